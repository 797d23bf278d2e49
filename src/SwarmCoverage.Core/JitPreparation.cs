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
    /// Compiles every method and constructor with a body of <paramref name="types"/> and of the classes the compiler made
    /// for their lambdas. A generic type or method whose type
    /// parameter is a lane implementation of the blob and metrics kernels is compiled for this machine's widest one
    /// (the one the kernels run); other generic definitions are skipped. Returns the number of methods compiled.
    /// </summary>
    public static int Prepare(IEnumerable<Type> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        int count = 0;
        foreach (var open in types.SelectMany(WithNested))
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

    /// <summary>
    /// The type and the classes the compiler made for its lambdas and local functions (nested, marked
    /// CompilerGenerated): a lambda's body is tick code like the method around it, and compiled at its first call it
    /// cost a run's first metrics row about 1 ms. Not the type's other nested types: compiling all of them (a record's
    /// ToString and equality, say) would only keep the second core busy longer; one a tick needs is listed.
    /// </summary>
    private static IEnumerable<Type> WithNested(Type type) =>
        type.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic)
            .Where(t => t.IsDefined(typeof(CompilerGeneratedAttribute), false))
            .SelectMany(WithNested).Prepend(type);

    private static Type? Close(Type type)
    {
        if (!type.ContainsGenericParameters) return type;
        if (!type.IsGenericTypeDefinition || type.GetGenericArguments().Length != 1) return null;
        var lanes = LanesFor(type.GetGenericArguments()[0]);
        return lanes is null ? null : type.MakeGenericType(lanes);
    }

    private static MethodInfo? Close(MethodInfo method)
    {
        var parameters = method.GetGenericArguments();
        var lanes = parameters.Length == 1 ? LanesFor(parameters[0]) : null;
        return lanes is null ? null : method.MakeGenericMethod(lanes);
    }

    /// <summary>The widest lane implementation for a type parameter constrained to a lane interface, or null.</summary>
    private static Type? LanesFor(Type parameter)
    {
        foreach (var c in parameter.GetGenericParameterConstraints())
        {
            if (!c.IsGenericType) continue;
            if (c.GetGenericTypeDefinition() == typeof(ILanes4<>)) return BestLanes;
            if (c.GetGenericTypeDefinition() == typeof(ISingleLanes8<>)) return BestSingleLanes;
        }

        return null;
    }

    private static Type BestSingleLanes => DistanceKernels.Best switch
    {
        KernelPath.Vector256 => typeof(SingleLanes256),
        KernelPath.Vector128 => typeof(SingleLanes128x2),
        _ => typeof(SingleLanesScalar),
    };

    private static Type BestLanes => DistanceKernels.Best switch
    {
        KernelPath.Vector256 => typeof(Lanes256),
        KernelPath.Vector128 => typeof(Lanes128x2),
        _ => typeof(LanesScalar),
    };
}
