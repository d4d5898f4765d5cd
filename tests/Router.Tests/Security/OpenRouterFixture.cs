namespace Router.Tests.Security;

/// <summary>One router in the default open setup (no client key, no management key), shared by a test class.</summary>
public sealed class OpenRouterFixture : IAsyncLifetime
{
    public static readonly string[] AllowedHosts = ["router.lan", "pinned.lan:1", ".corp.example"];

    public SecureRouter Secure { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Secure = await SecureRouter.StartAsync(s => s with { AllowedHosts = AllowedHosts, CorsOrigins = [SecureRouter.TrustedOrigin] });

    public async Task DisposeAsync() => await Secure.DisposeAsync();
}
