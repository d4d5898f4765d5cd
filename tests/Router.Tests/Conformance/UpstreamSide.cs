using System.Text.Json.Nodes;
using Router.Actors.Configuration;
using Router.Tests.Fakes;

namespace Router.Tests.Conformance;

/// <summary>
/// One upstream type in the matrix: a loopback fake of that vendor, how to script its answers, and
/// what the request it received must look like.
/// </summary>
public abstract class UpstreamSide
{
    public const string Tool = "get_weather";
    public const string Arguments = "{\"location\":\"Paris\"}";

    public abstract string Type { get; }
    public string Model => "m-" + Type;

    public abstract ProviderConfig Provider(FakeUpstream fake);
    public abstract FakeUpstream.Reply Text(string text, bool stream);
    public abstract FakeUpstream.Reply ToolCall(string callId, bool stream);
    public abstract string ExpectedPath(bool stream);

    /// <summary>The last user text the upstream received.</summary>
    public abstract string LastUserText(JsonObject body);

    /// <summary>The tool result the upstream received: (call id or function name, content).</summary>
    public abstract (string Ref, string Content) ToolResult(JsonObject body);

    /// <summary>The tool definitions the upstream received, by name.</summary>
    public abstract IEnumerable<string> ToolNames(JsonObject body);

    public virtual bool StreamFlag(JsonObject body) => body["stream"]?.GetValue<bool>() ?? false;

    public override string ToString() => Type;

    public static readonly UpstreamSide[] All = [new OpenAiSide(), new ResponsesSide(), new AnthropicSide(), new GeminiSide()];

    protected static string Str(JsonNode? node) => node is JsonValue v ? v.GetValue<string>() : string.Concat((node as JsonArray ?? []).Select(p => p?["text"]?.GetValue<string>()));

    private static readonly string[] Pieces = ["The weather ", "is sunny ", "in Paris."];
    protected static IEnumerable<string> Split(string text) => text == string.Concat(Pieces) ? Pieces : [text];
    protected static readonly string[] ArgumentPieces = ["{\"loca", "tion\":\"Pa", "ris\"}"];

    private sealed class OpenAiSide : UpstreamSide
    {
        public override string Type => "openai";
        public override ProviderConfig Provider(FakeUpstream fake) => TestConfig.OpenAiProvider(Type, fake, "k-openai");
        public override FakeUpstream.Reply Text(string text, bool stream) => stream ? OpenAiWire.StreamText(Split(text)) : OpenAiWire.Text(text);
        public override FakeUpstream.Reply ToolCall(string callId, bool stream) => stream ? OpenAiWire.StreamToolCall(callId, Tool, ArgumentPieces) : OpenAiWire.ToolCall(callId, Tool, Arguments);
        public override string ExpectedPath(bool stream) => "/v1/chat/completions";
        public override string LastUserText(JsonObject body) => Str(body["messages"]!.AsArray().Last(m => m!["role"]!.GetValue<string>() == "user")!["content"]);
        public override (string, string) ToolResult(JsonObject body)
        {
            var tool = body["messages"]!.AsArray().Last(m => m!["role"]!.GetValue<string>() == "tool")!;
            return (tool["tool_call_id"]!.GetValue<string>(), Str(tool["content"]));
        }
        public override IEnumerable<string> ToolNames(JsonObject body) => body["tools"]!.AsArray().Select(t => t!["function"]!["name"]!.GetValue<string>());
    }

    private sealed class ResponsesSide : UpstreamSide
    {
        public override string Type => "openai-responses";
        public override ProviderConfig Provider(FakeUpstream fake) => TestConfig.OpenAiProvider(Type, fake, "k-responses") with { Type = "openai-responses" };
        public override FakeUpstream.Reply Text(string text, bool stream) => stream ? ResponsesWire.StreamText(Split(text)) : ResponsesWire.Text(text);
        public override FakeUpstream.Reply ToolCall(string callId, bool stream) => stream ? ResponsesWire.StreamFunctionCall(callId, Tool, ArgumentPieces) : ResponsesWire.FunctionCall(callId, Tool, Arguments);
        public override string ExpectedPath(bool stream) => "/v1/responses";
        public override string LastUserText(JsonObject body) => body["input"] is JsonValue v ? v.GetValue<string>()
            : Str(body["input"]!.AsArray().Last(i => i!["role"]?.GetValue<string>() == "user")!["content"]);
        public override (string, string) ToolResult(JsonObject body)
        {
            var output = body["input"]!.AsArray().Last(i => i!["type"]?.GetValue<string>() == "function_call_output")!;
            return (output["call_id"]!.GetValue<string>(), output["output"]!.GetValue<string>());
        }
        public override IEnumerable<string> ToolNames(JsonObject body) => body["tools"]!.AsArray().Select(t => t!["name"]!.GetValue<string>());
    }

    private sealed class AnthropicSide : UpstreamSide
    {
        public override string Type => "anthropic";
        public override ProviderConfig Provider(FakeUpstream fake) => TestConfig.AnthropicProvider(Type, fake, "k-anthropic");
        public override FakeUpstream.Reply Text(string text, bool stream) => stream ? AnthropicWire.StreamText(Split(text)) : AnthropicWire.Text(text);
        public override FakeUpstream.Reply ToolCall(string callId, bool stream) => stream
            ? AnthropicWire.StreamToolUse("Let me check.", callId, Tool, ArgumentPieces)
            : AnthropicWire.ToolUse(callId, Tool, (JsonObject)JsonNode.Parse(Arguments)!);
        public override string ExpectedPath(bool stream) => "/v1/messages";
        public override string LastUserText(JsonObject body) => Str(body["messages"]!.AsArray().Last(m => m!["role"]!.GetValue<string>() == "user")!["content"]);
        public override (string, string) ToolResult(JsonObject body)
        {
            var block = body["messages"]!.AsArray().SelectMany(m => m!["content"] as JsonArray ?? []).Last(b => b!["type"]!.GetValue<string>() == "tool_result")!;
            return (block["tool_use_id"]!.GetValue<string>(), Str(block["content"]));
        }
        public override IEnumerable<string> ToolNames(JsonObject body) => body["tools"]!.AsArray().Select(t => t!["name"]!.GetValue<string>());
    }

    private sealed class GeminiSide : UpstreamSide
    {
        public override string Type => "gemini";
        public override ProviderConfig Provider(FakeUpstream fake) => new() { Name = Type, Type = "gemini", BaseUrl = fake.BaseUrl, ApiKeys = ["k-gemini"], Timeout = 10 };
        public override FakeUpstream.Reply Text(string text, bool stream) => stream ? GeminiWire.StreamText(Split(text)) : GeminiWire.Text(text);
        public override FakeUpstream.Reply ToolCall(string callId, bool stream) => stream
            ? GeminiWire.StreamFunctionCall(Tool, (JsonObject)JsonNode.Parse(Arguments)!)
            : GeminiWire.FunctionCall(Tool, (JsonObject)JsonNode.Parse(Arguments)!);
        public override string ExpectedPath(bool stream) => stream ? $"/v1beta/models/{Model}:streamGenerateContent?alt=sse" : $"/v1beta/models/{Model}:generateContent";
        public override bool StreamFlag(JsonObject body) => false; // the URL says it, not the body
        public override string LastUserText(JsonObject body) =>
            string.Concat(body["contents"]!.AsArray().Last(c => c!["role"]!.GetValue<string>() == "user")!["parts"]!.AsArray().Select(p => p!["text"]?.GetValue<string>()));
        public override (string, string) ToolResult(JsonObject body)
        {
            var response = body["contents"]!.AsArray().SelectMany(c => c!["parts"]!.AsArray()).Last(p => p!["functionResponse"] is not null)!["functionResponse"]!;
            return (response["name"]!.GetValue<string>(), response["response"]!.ToJsonString());
        }
        public override IEnumerable<string> ToolNames(JsonObject body) =>
            body["tools"]!.AsArray().SelectMany(t => t!["functionDeclarations"]!.AsArray()).Select(f => f!["name"]!.GetValue<string>());
    }
}
