using System.ClientModel;
using OpenAI;
using OpenAI.Chat;
using Router.Tests.Fakes;

namespace Router.Tests.Integration;

/// <summary>The official OpenAI SDK pointed at the router.</summary>
public static class Sdk
{
    public static ChatClient Chat(RouterUnderTest router, string model, string key = "sk-client") =>
        new(model, new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(router.BaseUrl + "/v1"), NetworkTimeout = TimeSpan.FromSeconds(30) });

    public static ChatTool WeatherTool => ChatTool.CreateFunctionTool(
        "get_weather", "Current weather for a city",
        BinaryData.FromString("""{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}"""));

    public static async Task<(string Text, List<StreamingChatCompletionUpdate> Updates)> StreamAsync(ChatClient client, IEnumerable<ChatMessage> messages, ChatCompletionOptions? options = null)
    {
        var updates = new List<StreamingChatCompletionUpdate>();
        var text = "";
        await foreach (var update in client.CompleteChatStreamingAsync(messages, options))
        {
            updates.Add(update);
            text += string.Concat(update.ContentUpdate.Select(p => p.Text));
        }
        return (text, updates);
    }
}
