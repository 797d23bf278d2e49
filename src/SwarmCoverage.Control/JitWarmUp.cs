using System.Reflection;
using System.Runtime.CompilerServices;
using SwarmCoverage.Core;

namespace SwarmCoverage.Control;

/// <summary>
/// Compiles, once per process, every method of this assembly (and the deterministic math it calls) before a control loop
/// starts, so that no tick pays the just-in-time compilation of a path it takes for the first time (a safety-filter
/// fallback, a wall row, a group over a hundred robots): on the development VM one such first use cost a 20 ms tick.
/// </summary>
internal static class JitWarmUp
{
    private static int _prepared = -1;

    /// <summary>Methods compiled by the first call (later calls return the same count and compile nothing).</summary>
    public static int PrepareOnce()
    {
        if (Volatile.Read(ref _prepared) >= 0) return _prepared;
        int count = 0;
        foreach (var type in typeof(JitWarmUp).Assembly.GetTypes().Append(typeof(DetMath)))
        {
            if (type.ContainsGenericParameters) continue;
            const BindingFlags all = BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;
            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                if (method.IsAbstract || method.ContainsGenericParameters || method.GetMethodBody() is null) continue;
                RuntimeHelpers.PrepareMethod(method.MethodHandle);
                count++;
            }
        }

        Interlocked.CompareExchange(ref _prepared, count, -1);
        return _prepared;
    }
}
