using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using Router.Http;

namespace Router.Tests.Security;

/// <summary>
/// Management and sign-in: the management key as Bearer or X-Management-Key only (not `?key=`,
/// not a client key); without one, only direct callers on this machine, whatever forwarding
/// headers claim.
/// </summary>
public sealed class ManagementAuthTests
{
    private const string ManagementKey = "mgmt-secret-key";
    private const string ClientKey = "sk-client-key";

    private static readonly string[] GuardedPaths = ["/v0/management/status", "/v1/auth/ctonew/status", "/v1/auth/llmux/claude/status"];

    public static IEnumerable<object[]> KeyAttempts =>
    [
        ["no key", new Dictionary<string, string>(), "", 401],
        ["client key as Bearer", new Dictionary<string, string> { ["Authorization"] = "Bearer " + ClientKey }, "", 401],
        ["client key as X-Management-Key", new Dictionary<string, string> { ["X-Management-Key"] = ClientKey }, "", 401],
        ["client key as x-api-key", new Dictionary<string, string> { ["x-api-key"] = ClientKey }, "", 401],
        ["management key as ?key=", new Dictionary<string, string>(), "?key=" + ManagementKey, 401],
        ["management key as x-api-key", new Dictionary<string, string> { ["x-api-key"] = ManagementKey }, "", 401],
        ["management key as Basic auth", new Dictionary<string, string> { ["Authorization"] = "Basic " + ManagementKey }, "", 401],
        ["wrong key", new Dictionary<string, string> { ["X-Management-Key"] = ManagementKey + "x" }, "", 401],
        ["management key as Bearer", new Dictionary<string, string> { ["Authorization"] = "Bearer " + ManagementKey }, "", 200],
        ["management key as X-Management-Key", new Dictionary<string, string> { ["X-Management-Key"] = ManagementKey }, "", 200],
    ];

    [Theory]
    [MemberData(nameof(KeyAttempts))]
    public async Task Only_the_management_key_in_a_header_opens_management(string attempt, Dictionary<string, string> headers, string query, int expected)
    {
        await using var secure = await SecureRouter.StartAsync(s => s with { ManagementKey = ManagementKey, ApiKeys = [ClientKey] });
        foreach (var path in GuardedPaths)
        {
            var answer = await secure.SendAsync(new Probe(HttpMethod.Get, path + query) { Headers = headers });
            Assert.True(answer.Status == expected, $"{attempt} on {path}: {answer}");
            Assert.DoesNotContain(ManagementKey, answer.Body);
        }
    }

    public static IEnumerable<object[]> ProxyHeaders =>
    [
        ["X-Forwarded-For", "203.0.113.7"],
        ["X-Forwarded-For", "127.0.0.1"],
        ["Forwarded", "for=127.0.0.1"],
        ["X-Real-IP", "127.0.0.1"],
        ["X-Original-For", "203.0.113.7:5000"],
    ];

    [Theory]
    [MemberData(nameof(ProxyHeaders))]
    public async Task Without_a_management_key_a_proxied_request_is_not_local(string header, string value)
    {
        await using var secure = await SecureRouter.StartAsync();
        foreach (var path in GuardedPaths)
        {
            Assert.Equal(200, (await secure.SendAsync(new Probe(HttpMethod.Get, path))).Status);
            var answer = await secure.SendAsync(new Probe(HttpMethod.Get, path) { Headers = new Dictionary<string, string> { [header] = value } });
            Surface.AssertError(answer, ErrorShape.OpenAi, 403);
        }
    }

    [Theory]
    [InlineData("X-Forwarded-For", "127.0.0.1")]
    [InlineData("X-Real-IP", "::1")]
    [InlineData("Forwarded", "for=127.0.0.1")]
    public void A_remote_caller_claiming_to_be_local_is_not(string header, string value)
    {
        var context = Remote("203.0.113.9");
        context.Request.Headers[header] = value;
        Assert.False(ManagementGuard.IsLocal(context));
        Assert.True(ManagementGuard.IsLocal(Remote("127.0.0.1")));
        Assert.True(ManagementGuard.IsLocal(Remote("::1")));
        Assert.False(ManagementGuard.IsLocal(Remote("203.0.113.9")));
    }

    /// <summary>
    /// ASPNETCORE_FORWARDEDHEADERS_ENABLED=true would put the forwarded-headers middleware in front
    /// of the router and trust every proxy. Even then the rewritten peer is not taken for local.
    /// </summary>
    [Fact]
    public async Task Even_behind_a_forwarded_headers_middleware_a_spoofed_peer_is_not_local()
    {
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.All };
        options.KnownNetworks.Clear();
        options.KnownProxies.Clear();
        var context = Remote("203.0.113.9");
        context.Request.Headers["X-Forwarded-For"] = "127.0.0.1";
        bool? local = null;
        var middleware = new ForwardedHeadersMiddleware(c => { local = ManagementGuard.IsLocal(c); return Task.CompletedTask; },
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, Options.Create(options));

        await middleware.Invoke(context);

        Assert.Equal(IPAddress.Loopback, context.Connection.RemoteIpAddress);
        Assert.False(local);
    }

    private static DefaultHttpContext Remote(string ip)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(ip);
        return context;
    }
}
