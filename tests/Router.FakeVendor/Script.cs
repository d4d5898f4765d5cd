using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Router.Tests.Fakes;

namespace Router.FakeVendor;

/// <summary>Chooses the reply for a request by its path (the vendor) and its conversation.</summary>
public static class Script
{
    private static readonly string[] PreferredTools = ["shell", "exec_command", "Glob", "LS", "list_directory", "glob", "Read", "read_file"];

    public static FakeUpstream.Reply Reply(HttpContext context, JsonObject body)
    {
        var path = context.Request.Path.Value ?? "";
        Console.Error.WriteLine($"{context.Request.Method} {path}{context.Request.QueryString} {Shorten(body.ToJsonString())}");
        var stream = body["stream"]?.GetValue<bool>() == true || path.EndsWith(":streamGenerateContent", StringComparison.Ordinal);

        if (path.EndsWith("/count_tokens")) return WireReplies.Json(200, "{\"input_tokens\":42}");
        if (path.EndsWith(":countTokens")) return WireReplies.Json(200, "{\"totalTokens\":42}");
        var vendor = path switch
        {
            "/v1/chat/completions" => Vendor.OpenAi,
            "/v1/responses" => Vendor.Responses,
            "/v1/messages" => Vendor.Anthropic,
            _ when path.StartsWith("/v1beta/models/") => Vendor.Gemini,
            _ => (Vendor?)null,
        };
        if (vendor is not { } v) return (c, _) => { c.Response.StatusCode = 404; return Task.CompletedTask; };

        var conversation = Conversation.Of(v, body);
        if (conversation.HasToolResult) return Text(v, "TOOL-DONE", stream);
        if (conversation.LastUserText.Contains("TOOLTEST") && PreferredTools.FirstOrDefault(conversation.Tools.ContainsKey) is { } tool)
            return ToolCall(v, tool, Arguments(conversation.Tools[tool]), stream);
        return Text(v, $"PONG from {v}", stream);
    }

    private enum Vendor { OpenAi, Responses, Anthropic, Gemini }

    private static FakeUpstream.Reply Text(Vendor v, string text, bool stream) => v switch
    {
        Vendor.OpenAi => stream ? OpenAiWire.StreamText([text]) : OpenAiWire.Text(text),
        Vendor.Responses => stream ? ResponsesWire.StreamText([text]) : ResponsesWire.Text(text),
        Vendor.Anthropic => stream ? AnthropicWire.StreamText([text]) : AnthropicWire.Text(text),
        _ => stream ? GeminiWire.StreamText([text]) : GeminiWire.Text(text),
    };

    private static FakeUpstream.Reply ToolCall(Vendor v, string name, JsonObject args, bool stream)
    {
        var id = "call_e2e_" + Guid.NewGuid().ToString("N")[..8];
        var json = args.ToJsonString();
        return v switch
        {
            Vendor.OpenAi => stream ? OpenAiWire.StreamToolCall(id, name, [json]) : OpenAiWire.ToolCall(id, name, json),
            Vendor.Responses => stream ? ResponsesWire.StreamFunctionCall(id, name, [json]) : ResponsesWire.FunctionCall(id, name, json),
            Vendor.Anthropic => stream ? AnthropicWire.StreamToolUse("Running the tool.", id, name, [json]) : AnthropicWire.ToolUse(id, name, args),
            _ => stream ? GeminiWire.StreamFunctionCall(name, args) : GeminiWire.FunctionCall(name, args),
        };
    }

    /// <summary>Harmless arguments for a tool, from its schema's required properties.</summary>
    private static JsonObject Arguments(JsonNode? schema)
    {
        var args = new JsonObject();
        var properties = schema?["properties"] as JsonObject ?? new JsonObject();
        var required = (schema?["required"] as JsonArray ?? []).Select(r => r!.GetValue<string>()).ToList();
        foreach (var name in required.Count > 0 ? required : properties.Select(p => p.Key).Take(1))
        {
            var type = properties[name]?["type"]?.ToString();
            args[name] = name switch
            {
                "command" or "cmd" when type == "array" => new JsonArray("echo", "tool-ok"),
                "command" or "cmd" => "echo tool-ok",
                "pattern" => "*",
                _ when name.Contains("path") || name.Contains("dir") => ".",
                _ when type == "array" => new JsonArray(),
                _ when type is "integer" or "number" => 1,
                _ when type == "boolean" => false,
                _ => ".",
            };
        }
        return args;
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    /// <summary>What the script needs to know of a conversation, in any vendor's format.</summary>
    private sealed record Conversation(string LastUserText, bool HasToolResult, Dictionary<string, JsonNode?> Tools)
    {
        public static Conversation Of(Vendor v, JsonObject body)
        {
            var text = "";
            var hasResult = false;
            var tools = new Dictionary<string, JsonNode?>();
            switch (v)
            {
                case Vendor.OpenAi:
                    foreach (var m in body["messages"] as JsonArray ?? [])
                    {
                        hasResult |= m?["role"]?.ToString() == "tool";
                        if (m?["role"]?.ToString() == "user") text = TextOf(m["content"]);
                    }
                    foreach (var t in body["tools"] as JsonArray ?? []) tools[t!["function"]!["name"]!.ToString()] = t["function"]!["parameters"];
                    break;
                case Vendor.Responses:
                    text = body["input"] is JsonValue s ? s.ToString() : "";
                    foreach (var item in body["input"] as JsonArray ?? [])
                    {
                        hasResult |= item?["type"]?.ToString() == "function_call_output";
                        if (item?["role"]?.ToString() == "user") text = TextOf(item["content"]);
                    }
                    foreach (var t in body["tools"] as JsonArray ?? []) if (t?["name"] is { } n) tools[n.ToString()] = t["parameters"];
                    break;
                case Vendor.Anthropic:
                    foreach (var m in body["messages"] as JsonArray ?? [])
                    {
                        var blocks = m?["content"] as JsonArray ?? [];
                        hasResult |= blocks.Any(b => b?["type"]?.ToString() == "tool_result");
                        if (m?["role"]?.ToString() == "user" && blocks.All(b => b?["type"]?.ToString() != "tool_result")) text = TextOf(m["content"]);
                    }
                    foreach (var t in body["tools"] as JsonArray ?? []) if (t?["name"] is { } n) tools[n.ToString()] = t["input_schema"];
                    break;
                case Vendor.Gemini:
                    foreach (var c in body["contents"] as JsonArray ?? [])
                    {
                        var parts = c?["parts"] as JsonArray ?? [];
                        hasResult |= parts.Any(p => p?["functionResponse"] is not null);
                        if (c?["role"]?.ToString() == "user" && parts.Any(p => p?["text"] is not null)) text = string.Concat(parts.Select(p => p?["text"]?.ToString()));
                    }
                    foreach (var f in (body["tools"] as JsonArray ?? []).SelectMany(t => t?["functionDeclarations"] as JsonArray ?? []))
                        tools[f!["name"]!.ToString()] = f["parametersJsonSchema"] ?? f["parameters"];
                    break;
            }
            return new Conversation(text, hasResult, tools);
        }

        private static string TextOf(JsonNode? content) => content switch
        {
            JsonValue v => v.ToString(),
            JsonArray parts => string.Concat(parts.Select(p => p?["text"]?.ToString())),
            _ => "",
        };
    }
}
