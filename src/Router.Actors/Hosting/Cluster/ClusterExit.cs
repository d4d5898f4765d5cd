using Akka;
using Akka.Actor;
using Akka.Cluster;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Router.Actors.Hosting.Cluster;

/// <summary>
/// A node the cluster removed (downed by the split brain resolver or an operator) cannot serve:
/// it says so in one log line and the process exits with <see cref="DownedExitCode"/>, so a
/// supervisor (systemd, Docker) restarts it and it joins again.
/// </summary>
public static class ClusterExit
{
    public const int DownedExitCode = 3;

    /// <summary>Set when the node was downed; the process exit code.</summary>
    public static int? Code { get; private set; }

    public static void Watch(ActorSystem system, IHostApplicationLifetime lifetime, ILogger log)
    {
        var leaving = new System.Diagnostics.Stopwatch();
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseClusterExitingDone, "router-left", () =>
        {
            log.LogInformation("Left the cluster {Seconds:0.0} s after the shutdown began (shards handed off)", leaving.Elapsed.TotalSeconds);
            return Task.FromResult(Done.Instance);
        });
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "router-downed", () =>
        {
            leaving.Start();
            if (CoordinatedShutdown.Get(system).ShutdownReason is CoordinatedShutdown.ClusterDowningReason or CoordinatedShutdown.ClusterJoinUnsuccessfulReason)
            {
                Code = DownedExitCode;
                log.LogCritical("This node ({Address}) was removed from the cluster (downed by the split brain resolver or an operator): stopping, exit code {Code}",
                    Akka.Cluster.Cluster.Get(system).SelfAddress, DownedExitCode);
                lifetime.StopApplication();
            }
            return Task.FromResult(Done.Instance);
        });
        system.WhenTerminated.ContinueWith(_ => lifetime.StopApplication(), TaskScheduler.Default);
    }
}
