using System.Reflection;
using System.Runtime.Intrinsics;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.Metrics;
using Xunit;

namespace SwarmCoverage.Core.Tests;

public sealed class JitPreparationTests
{
    private const BindingFlags All = BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;

    [Fact]
    public void The_lane_generic_kernels_are_compiled_for_the_lanes_this_machine_runs_and_other_open_generics_are_skipped()
    {
        var lanes = Vector256.IsHardwareAccelerated ? typeof(Lanes256) : Vector128.IsHardwareAccelerated ? typeof(Lanes128x2) : typeof(LanesScalar);
        int declared = typeof(BlobKernels<>).MakeGenericType(lanes).GetMethods(All).Count(m => !m.IsAbstract && m.GetMethodBody() is not null);
        Assert.True(declared > 5, $"BlobKernels<{lanes.Name}> declares {declared} methods");
        Assert.Equal(declared, JitPreparation.Prepare([typeof(BlobKernels<>)]));
        Assert.Equal(0, JitPreparation.Prepare([typeof(List<>), typeof(Dictionary<,>)]));
    }

    [Fact]
    public void The_metrics_single_precision_row_kernel_and_the_lambdas_are_compiled_too()
    {
        // Row<TL> is constrained to ISingleLanes8, not ILanes4: it must be closed on this machine's single lanes. The
        // lambdas (the nearest-point search's body) live in a class the compiler nests in the type.
        var closures = typeof(DistanceKernels).GetNestedTypes(BindingFlags.NonPublic)
            .Where(t => t.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute), false)).ToList();
        Assert.NotEmpty(closures);
        var methods = closures.Prepend(typeof(DistanceKernels))
            .SelectMany(t => t.GetMethods(All).Cast<MethodBase>().Concat(t.GetConstructors(All)))
            .Where(m => !m.IsAbstract && m.GetMethodBody() is not null).ToList();
        Assert.Contains(methods, m => m is MethodInfo { IsGenericMethodDefinition: true, Name: "Row" });
        Assert.Contains(methods, m => m.DeclaringType != typeof(DistanceKernels) && m.Name.Contains("NearestSquared", StringComparison.Ordinal));
        Assert.Equal(methods.Count, JitPreparation.Prepare([typeof(DistanceKernels)]));
    }

    [Fact]
    public void Every_tick_type_has_methods_to_compile()
    {
        foreach (var type in JitPreparation.TickTypes())
            Assert.True(JitPreparation.Prepare([type]) > 0, $"{type.Name}: nothing compiled");
    }
}
