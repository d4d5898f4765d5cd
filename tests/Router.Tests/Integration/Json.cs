using System.Net.Http.Headers;
using System.Text;

namespace Router.Tests.Integration;

/// <summary>Raw request bodies for tests that go around the SDK.</summary>
public static class Json
{
    public static StringContent Body(string model, bool stream = false, string text = "Hi") =>
        Raw($$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"{{text}}"}]}""");

    public static StringContent Raw(string json)
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
