using System.Text.Json.Nodes;
using Router.Protocols.Canonical;
using Router.Protocols.Tests.Support;

namespace Router.Protocols.Tests;

/// <summary>Error bodies of each format, both ways, with each vendor's type names.</summary>
public sealed class ErrorTests
{
    public static TheoryData<string, string, string?> OpenAiTypes => new()
    {
        { "400", "invalid_request_error", null },
        { "401", "authentication_error", "invalid_api_key" },
        { "403", "permission_error", null },
        { "404", "invalid_request_error", "model_not_found" },
        { "413", "invalid_request_error", "request_too_large" },
        { "429", "rate_limit_error", "rate_limit_exceeded" },
        { "500", "api_error", null },
        { "502", "api_error", "upstream_error" },
        { "503", "api_error", "unavailable" },
        { "504", "timeout_error", "upstream_timeout" },
    };

    public static TheoryData<string, string> AnthropicTypes => new()
    {
        { "400", "invalid_request_error" },
        { "401", "authentication_error" },
        { "403", "permission_error" },
        { "404", "not_found_error" },
        { "413", "request_too_large" },
        { "429", "rate_limit_error" },
        { "500", "api_error" },
        { "502", "api_error" },
        { "503", "overloaded_error" },
        { "504", "timeout_error" },
    };

    private static ErrorInfo Sample(string status) => status switch
    {
        "400" => ErrorInfo.BadRequest("'messages' is required and must be an array.", "messages"),
        "401" => ErrorInfo.Unauthorized("Invalid API key."),
        "403" => new ErrorInfo(403, ErrorKind.PermissionDenied, "Not allowed."),
        "404" => ErrorInfo.ModelNotFound("gpt-9"),
        "413" => ErrorInfo.TooLarge(1024),
        "429" => ErrorInfo.RateLimited("Slow down."),
        "500" => new ErrorInfo(500, ErrorKind.Internal, "Internal error."),
        "502" => ErrorInfo.BadGateway("Upstream failed."),
        "503" => ErrorInfo.Unavailable("No account available."),
        _ => ErrorInfo.GatewayTimeout("Upstream timed out."),
    };

    [Theory]
    [MemberData(nameof(OpenAiTypes))]
    public void OpenAi_errors_encode_with_openai_type_names(string status, string type, string? code)
    {
        var error = Sample(status);

        var body = WireFormats.OpenAiChat.EncodeError(error);

        var expected = new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = error.Message, ["type"] = type, ["param"] = error.Param, ["code"] = code },
        };
        JsonAssert.Equal(expected.ToJsonString(), body);
    }

    [Theory]
    [MemberData(nameof(AnthropicTypes))]
    public void Anthropic_errors_encode_with_anthropic_type_names(string status, string type)
    {
        var error = Sample(status);

        var body = WireFormats.AnthropicMessages.EncodeError(error);

        var expected = new JsonObject { ["type"] = "error", ["error"] = new JsonObject { ["type"] = type, ["message"] = error.Message } };
        JsonAssert.Equal(expected.ToJsonString(), body);
    }

    [Theory]
    [MemberData(nameof(OpenAiTypes))]
    public void OpenAi_errors_survive_encode_then_decode(string status, string type, string? code)
    {
        _ = (type, code);
        var error = Sample(status);

        var decoded = WireFormats.OpenAiChat.DecodeError(error.Status, WireFormats.OpenAiChat.EncodeError(error).ToJsonString());

        Assert.Equal(error with { Kind = ErrorInfo.KindForStatus(error.Status) }, decoded);
    }

    [Theory]
    [MemberData(nameof(AnthropicTypes))]
    public void Anthropic_errors_survive_encode_then_decode_but_for_code_and_param(string status, string type)
    {
        var error = Sample(status);

        var decoded = WireFormats.AnthropicMessages.DecodeError(error.Status, WireFormats.AnthropicMessages.EncodeError(error).ToJsonString());

        Assert.Equal(new ErrorInfo(error.Status, ErrorInfo.KindForStatus(error.Status), error.Message, type), decoded);
    }

    [Fact]
    public void An_openai_vendor_error_decodes_with_code_and_param()
    {
        const string body = """{"error":{"message":"Rate limit reached for gpt-4.1 in organization org-x on requests per min (RPM): Limit 3, Used 3, Requested 1.","type":"requests","param":null,"code":"rate_limit_exceeded"}}""";

        var error = WireFormats.OpenAiChat.DecodeError(429, body);

        Assert.Equal(new ErrorInfo(429, ErrorKind.RateLimited, "Rate limit reached for gpt-4.1 in organization org-x on requests per min (RPM): Limit 3, Used 3, Requested 1.", "rate_limit_exceeded"), error);

        var invalid = WireFormats.OpenAiChat.DecodeError(400, """{"error":{"message":"Invalid 'messages[0].role'.","type":"invalid_request_error","param":"messages[0].role","code":"invalid_value"}}""");
        Assert.Equal(new ErrorInfo(400, ErrorKind.InvalidRequest, "Invalid 'messages[0].role'.", "invalid_value", "messages[0].role"), invalid);
    }

    [Fact]
    public void An_anthropic_vendor_error_decodes_with_its_type_as_code()
    {
        const string body = """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"}""";

        Assert.Equal(new ErrorInfo(529, ErrorKind.Unavailable, "Overloaded", "overloaded_error"), WireFormats.AnthropicMessages.DecodeError(529, body));
        // A 500 whose type says otherwise (as in stream error events) takes the type's status.
        Assert.Equal(new ErrorInfo(529, ErrorKind.Unavailable, "Overloaded", "overloaded_error"), WireFormats.AnthropicMessages.DecodeError(500, body));
    }

    public static TheoryData<string> Formats => new() { "openai", "anthropic" };

    private static IWireFormat Format(string name) => name == "openai" ? WireFormats.OpenAiChat : WireFormats.AnthropicMessages;

    [Theory]
    [MemberData(nameof(Formats))]
    public void A_huge_html_body_gives_a_short_message(string name)
    {
        var html = "<html><head><title>502 Bad Gateway</title></head><body>" + new string('x', 20_000) + "</body></html>";

        var error = Format(name).DecodeError(502, html);

        Assert.Equal(502, error.Status);
        Assert.Equal(ErrorKind.Upstream, error.Kind);
        Assert.StartsWith("Upstream answered HTTP 502: <html>", error.Message);
        Assert.True(error.Message.Length <= 500, $"message of {error.Message.Length} characters");
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void An_empty_body_or_a_json_body_of_another_shape_still_gives_a_message(string name)
    {
        Assert.Equal(new ErrorInfo(503, ErrorKind.Unavailable, "Upstream answered HTTP 503."), Format(name).DecodeError(503, ""));

        var other = Format(name).DecodeError(401, """{"detail":"Unauthorized"}""");
        Assert.Equal(ErrorKind.Authentication, other.Kind);
        Assert.Contains("Unauthorized", other.Message);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void A_huge_message_inside_a_proper_error_is_capped(string name)
    {
        var message = new string('m', 5_000);
        var body = Format(name).EncodeError(new ErrorInfo(400, ErrorKind.InvalidRequest, message)).ToJsonString();

        var error = Format(name).DecodeError(400, body);

        Assert.True(error.Message.Length <= 501, $"message of {error.Message.Length} characters");
        Assert.StartsWith("mmm", error.Message);
    }
}
