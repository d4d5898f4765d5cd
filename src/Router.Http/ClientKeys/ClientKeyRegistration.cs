using Router.Actors.Configuration;

namespace Router.Http.ClientKeys;

public static class ClientKeyRegistration
{
    /// <summary>The keyring (config and managed keys), their limits, the gate the front door asks, and the managed-key store.</summary>
    public static IServiceCollection AddClientKeys(this IServiceCollection services, RouterConfig config)
    {
        services.AddSingleton<ClientKeyring>();
        services.AddSingleton<ClientKeyLimiter>();
        services.AddSingleton<ClientKeyGate>();
        services.AddSingleton(new ManagedKeyStore(config.Auth));
        services.AddSingleton<ManagedKeys>();
        services.AddHostedService(sp => sp.GetRequiredService<ManagedKeys>());
        return services;
    }
}
