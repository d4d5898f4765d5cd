using Akka.Actor;
using Akka.Event;

namespace Router.Actors.Providers;

/// <summary>
/// The end of a provider a reload removed or replaced: its broker leases no more, lease requests
/// still reaching it (from a request resolved before the reload) are served as before, and it stops
/// once every lease it handed out has come back, or when the drain time is up.
/// </summary>
public sealed partial class ProviderActor
{
    private static readonly TimeSpan DrainCheckEvery = TimeSpan.FromMilliseconds(250);

    // Leases granted through this actor and not finished yet (broker leases are counted by the broker).
    private int _outstanding;
    private bool _retiring;

    private void OnRetire(RetireProvider retire)
    {
        if (_retiring) return;
        _retiring = true;
        _broker?.Publish([]);
        _log.Info("Provider {0} is no longer served: it stops once its calls under way are over (at most {1}s)", _name, retire.DrainTimeout.TotalSeconds);
        Timers.StartPeriodicTimer("drain", DrainCheck.Instance, DrainCheckEvery);
        Timers.StartSingleTimer("drain-timeout", DrainTimedOut.Instance, retire.DrainTimeout);
    }

    private void OnDrainCheck()
    {
        var brokerLeases = _broker is null ? 0 : _view.Keys.Sum(_broker.InFlight);
        if (_outstanding + brokerLeases == 0) Context.Stop(Self);
    }

    private void OnDrainTimedOut()
    {
        _log.Warning("Provider {0}: the drain time is up with calls still under way; stopping", _name);
        Context.Stop(Self);
    }

    private sealed class DrainCheck { public static readonly DrainCheck Instance = new(); }

    private sealed class DrainTimedOut { public static readonly DrainTimedOut Instance = new(); }
}
