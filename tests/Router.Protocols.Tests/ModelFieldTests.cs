using System.Text;
using Router.Protocols;
using Router.Protocols.Json;

namespace Router.Protocols.Tests;

public sealed class ModelFieldTests
{
    private static string? With(string json, string model) =>
        ModelField.WithModel(Encoding.UTF8.GetBytes(json), model) is { } bytes ? Encoding.UTF8.GetString(bytes.Span) : null;

    [Fact]
    public void The_same_model_leaves_the_very_same_bytes()
    {
        var json = Encoding.UTF8.GetBytes("""{"model":"gpt-4.1","n":1}""");
        var result = ModelField.WithModel(json, "gpt-4.1");
        Assert.True(result!.Value.Span.SequenceEqual(json));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(result.Value, out var segment) && ReferenceEquals(segment.Array, json));
    }

    [Theory]
    [InlineData("""{"model":"a","x":[{"model":"nested"}]}""", """{"model":"b-1.5","x":[{"model":"nested"}]}""")]
    [InlineData("""{"x":{"model":"nested"}, "model" : "a" }""", """{"x":{"model":"nested"}, "model" : "b-1.5" }""")]
    [InlineData("""{"mod\u0065l":"a"}""", """{"mod\u0065l":"b-1.5"}""")]
    public void Only_the_top_level_model_value_changes(string json, string expected) =>
        Assert.Equal(expected, With(json, "b-1.5"));

    [Fact]
    public void A_model_name_that_needs_escaping_is_written_as_a_valid_JSON_string() =>
        Assert.Equal("a\"b/\u00e9", System.Text.Json.Nodes.JsonNode.Parse(With("""{"model":"x"}""", "a\"b/\u00e9")!)!["model"]!.GetValue<string>());

    [Theory]
    [InlineData("""{"messages":[]}""")]
    [InlineData("""{"model":42}""")]
    [InlineData("""[{"model":"a"}]""")]
    [InlineData("""{"x":{"model":"nested"}}""")]
    [InlineData("")]
    [InlineData("""{"x":[1,""")]
    public void A_body_without_a_top_level_model_string_is_left_to_the_tree(string json) =>
        Assert.Null(With(json, "b"));

    [Fact]
    public void Gemini_keeps_the_body_whole_since_its_model_is_in_the_url()
    {
        var json = Encoding.UTF8.GetBytes("""{"contents":[]}""");
        Assert.True(WireFormats.Gemini.PassThroughBytes(json, "gemini-2.5-pro")!.Value.Span.SequenceEqual(json));
    }
}
