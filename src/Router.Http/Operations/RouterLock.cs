using Router.Actors.Configuration;

namespace Router.Http.Operations;

/// <summary>
/// {auth.dir}/router.lock: an advisory lock (flock) the running router holds for its whole life, so
/// "is a router running for this auth dir?" never depends on whether an old pid was reused. The
/// kernel drops the lock when the process dies, however it dies (kill -9, OOM, docker kill).
/// .NET takes flock(LOCK_EX|LOCK_NB) for FileShare.None and flock(LOCK_SH|LOCK_NB) for a
/// read-only open that shares, which is what Acquire and IsHeld use.
/// </summary>
public sealed class RouterLock : IDisposable
{
    private static readonly TimeSpan ProbeCollisionWait = TimeSpan.FromSeconds(1);

    private readonly RouterConfig _config;
    private readonly FileStream _lock;

    private RouterLock(RouterConfig config, FileStream @lock)
    {
        _config = config;
        _lock = @lock;
    }

    public static string PathFor(RouterConfig config) => Path.Combine(config.Auth.Dir, "router.lock");

    /// <summary>
    /// Takes the lock and writes the pid file; null when another router holds it. A status probe holds
    /// the lock shared for an instant, so a refusal is retried for up to a second before it counts.
    /// Throws (UnauthorizedAccessException, IOException) when auth.dir cannot be used at all.
    /// </summary>
    public static RouterLock? TryAcquire(RouterConfig config)
    {
        Directory.CreateDirectory(config.Auth.Dir);
        var until = DateTime.UtcNow + ProbeCollisionWait;
        while (true)
        {
            try
            {
                var stream = new FileStream(PathFor(config), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                PidFile.Write(config);
                return new RouterLock(config, stream);
            }
            catch (IOException e) when (IsLockConflict(e) && DateTime.UtcNow < until)
            {
                Thread.Sleep(50);
            }
            catch (IOException e) when (IsLockConflict(e))
            {
                return null;
            }
        }
    }

    /// <summary>True while a live router holds the lock.</summary>
    public static bool IsHeld(RouterConfig config)
    {
        try
        {
            using var probe = new FileStream(PathFor(config), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return false;
        }
        catch (IOException e) when (IsLockConflict(e))
        {
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // no lock file (never started here), or not ours to read
        }
    }

    /// <summary>Removes this router's pid file and releases the lock (the lock file stays: deleting it would race a starting router).</summary>
    public void Dispose()
    {
        PidFile.RemoveOwn(_config);
        _lock.Dispose();
    }

    // flock's EWOULDBLOCK surfaces as an IOException whose HResult is the errno (11 on Linux, 35 on macOS).
    private static bool IsLockConflict(IOException e) => e.GetType() == typeof(IOException) && e.HResult is 11 or 35;
}
