using System.Text;

namespace Router.Tests.BadInput;

/// <summary>
/// Request bodies that used to end in a 500 and a stack trace: duplicate keys, invalid UTF-8, a
/// number that overflows (on the translated paths), deep nesting, a body shorter than its
/// Content-Length. Each is a 4xx in the caller's own format, quickly, with nothing in the log.
/// </summary>
public sealed class JsonFaultTests(EchoRouter echo) : IClassFixture<EchoRouter>
{
    public static TheoryData<string> Paths() => [.. EchoRouter.ValidBodies.Keys];

    private async Task<RawAnswer> PostAsync(string path, byte[] body)
    {
        var answer = await echo.SendAsync(RawHttp.JsonPost(path, body));
        CallerShape.Assert(path, answer);
        echo.AssertLogClean();
        return answer;
    }

    private static byte[] Valid(string path) => Encoding.UTF8.GetBytes(EchoRouter.ValidBodies[path]);

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Every_valid_body_is_answered(string path)
    {
        var answer = await echo.SendAsync(RawHttp.JsonPost(path, Valid(path)));
        Assert.Equal(200, answer.Status);
    }

    private Task AssertRefusedAsync(string path, string body, string mentioned) => AssertRefusedAsync(path, Encoding.UTF8.GetBytes(body), mentioned);

    private async Task AssertRefusedAsync(string path, byte[] body, string mentioned)
    {
        var answer = await PostAsync(path, body);
        Assert.Equal(400, answer.Status);
        Assert.Contains(mentioned, answer.Body);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public Task A_duplicate_key_is_a_400_naming_the_key(string path) =>
        AssertRefusedAsync(path, EchoRouter.ValidBodies[path].Replace("\"temperature\":0.5", "\"temperature\":0.5,\"temperature\":0.7"), "temperature");

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Invalid_utf8_in_a_string_is_a_400(string path)
    {
        var body = Valid(path);
        var at = Encoding.UTF8.GetString(body).IndexOf("hi", StringComparison.Ordinal);
        body[at] = 0xFF;
        body[at + 1] = 0xFE;
        await AssertRefusedAsync(path, body, "UTF-8");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public Task A_number_that_overflows_is_a_400_naming_the_field(string path) =>
        AssertRefusedAsync(path, EchoRouter.ValidBodies[path].Replace("0.5", "1e999"), "temperature");

    [Theory]
    [MemberData(nameof(Paths))]
    public Task Nesting_deeper_than_the_limit_is_a_400(string path) =>
        AssertRefusedAsync(path, EchoRouter.ValidBodies[path].Replace("0.5", new string('[', 500) + new string(']', 500)), "deeper");

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task A_body_shorter_than_its_content_length_is_a_408_within_seconds(string path)
    {
        var body = Valid(path);
        var request = RawHttp.Request("POST", path, [("Content-Type", "application/json"), ("Content-Length", (body.Length + 100).ToString())], body, contentLength: false);
        var answer = await echo.SendAsync(request);
        Assert.Equal(408, answer.Status);
        CallerShape.Assert(path, answer);
        Assert.True(answer.Took < TimeSpan.FromSeconds(4.5), $"answered after {answer.Took}");
        echo.AssertLogClean();
    }
}
