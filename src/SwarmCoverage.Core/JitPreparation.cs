using System.Reflection;
using System.Runtime.CompilerServices;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.Metrics;

namespace SwarmCoverage.Core;

/// <summary>
/// Compiles methods before their first call (docs/speed.md, "Start-up"): with the quick JIT tier off, a method's first
/// call compiles it fully optimised, and a short simulation or a node's first ticks would otherwise pay that in the
/// loop. Compiling changes no result: the code is the same whichever thread compiles it and when.
/// </summary>
public static class JitPreparation
{
    private const BindingFlags All = BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;

    /// <summary>
    /// Compiles every method and constructor with a body of <paramref name="types"/>. A generic type or method whose type
    /// parameter is a lane implementation of the blob and metrics kernels is compiled for this machine's widest one
    /// (the one the kernels run); other generic definitions are skipped. Returns the number of methods compiled.
    /// </summary>
    public static int Prepare(IEnumerable<Type> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        int count = 0;
        foreach (var open in types)
        {
            var type = Close(open);
            if (type is null) continue;
            foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
            {
                var m = method is MethodInfo { IsGenericMethodDefinition: true } g ? Close(g) : method;
                if (m is null || m.IsAbstract || m.ContainsGenericParameters || m.GetMethodBody() is null) continue;
                var instantiation = type.IsGenericType ? type.GetGenericArguments().Select(t => t.TypeHandle).ToArray() : null;
                RuntimeHelpers.PrepareMethod(m.MethodHandle, instantiation);
                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// The types of this library that every control tick and metrics row runs (the blob field and its kernels, the
    /// deterministic math, the metrics), first in the order a tick needs them.
    /// </summary>
    public static IEnumerable<Type> TickTypes() =>
    [
        typeof(DetMath), typeof(BlobField), typeof(BlobKernels<>), typeof(BlobGrid), typeof(Parallel.WorkerPool),
        typeof(CoverageMetrics), typeof(DistanceKernels), typeof(PairScan), typeof(TargetQuadrature),
    ];

    private static Type? Close(Type type)
    {
        if (!type.ContainsGenericParameters) return type;
        if (!type.IsGenericTypeDefinition || type.GetGenericArguments().Length != 1 || !IsLaneParameter(type.GetGenericArguments()[0])) return null;
        return type.MakeGenericType(BestLanes);
    }

    private static MethodInfo? Close(MethodInfo method)
    {
        var parameters = method.GetGenericArguments();
        return parameters.Length == 1 && IsLaneParameter(parameters[0]) ? method.MakeGenericMethod(BestLanes) : null;
    }

    private static bool IsLaneParameter(Type parameter) =>
        parameter.GetGenericParameterConstraints().Any(c => c.IsGenericType && c.GetGenericTypeDefinition() == typeof(ILanes4<>));

    private static Type BestLanes => DistanceKernels.Best switch
    {
        KernelPath.Vector256 => typeof(Lanes256),
        KernelPath.Vector128 => typeof(Lanes128x2),
        _ => typeof(LanesScalar),
    };
}
