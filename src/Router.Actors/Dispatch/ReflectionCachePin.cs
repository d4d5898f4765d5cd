using System.Reflection;

namespace Router.Actors.Dispatch;

/// <summary>
/// Every stream materializes one Akka.Streams interpreter actor, created by reflection. The runtime
/// keeps a type's reflection cache (and with it the emitted constructor invoker) only weakly, so under
/// the garbage collection a busy router does it is dropped and the invoker emitted again, each time
/// leaving a dynamic method for the finalizer thread. Holding the constructors keeps that cache alive.
/// </summary>
public static class ReflectionCachePin
{
    private static readonly List<ConstructorInfo> Pinned = new();

    public static void Keep(params Type[] types)
    {
        lock (Pinned)
            foreach (var type in types)
                Pinned.AddRange(type.GetConstructors(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic));
    }
}
