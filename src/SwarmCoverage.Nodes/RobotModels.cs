using SwarmCoverage.Control;
using SwarmCoverage.Core;
using SwarmCoverage.Sim;

namespace SwarmCoverage.Nodes;

/// <summary>The controller's view of a simulated robot: its model from the limits the world declares.</summary>
public static class RobotModels
{
    /// <summary>
    /// Control model from a robot of the world, so the controller and the simulator agree on every limit.
    /// Asymmetric gz limits become the smaller magnitude.
    /// </summary>
    public static RobotModel FromSpec(RobotSpec spec, double projectionDistanceM)
    {
        ArgumentNullException.ThrowIfNull(spec);
        RobotModel model;
        switch (spec.Kind)
        {
            case DriveKind.DifferentialDrive:
            {
                var dd = spec.DiffDrive ?? throw new InputException($"robot {spec.Name}: a differential-drive robot needs DiffDrive parameters");
                model = new RobotModel
                {
                    Name = spec.Name,
                    Kind = RobotKind.DifferentialDrive,
                    MaxLinearSpeedMps = Math.Min(dd.MaxLinearVelocityMps, -dd.MinLinearVelocityMps),
                    MaxAngularSpeedRadps = Math.Min(dd.MaxAngularVelocityRadps, -dd.MinAngularVelocityRadps),
                    MaxLinearAccelerationMps2 = Math.Min(dd.MaxLinearAccelerationMps2, -dd.MinLinearAccelerationMps2),
                    MaxAngularAccelerationRadps2 = Math.Min(dd.MaxAngularAccelerationRadps2, -dd.MinAngularAccelerationRadps2),
                    WheelRadiusM = dd.WheelRadiusM,
                    WheelSeparationM = dd.WheelSeparationM,
                    MaxWheelSpeedRadps = dd.MaxWheelSpeedRadps,
                    ProjectionDistanceM = projectionDistanceM,
                };
                break;
            }
            default:
            {
                var h = spec.Holonomic ?? throw new InputException($"robot {spec.Name}: a holonomic robot needs its limits");
                model = new RobotModel
                {
                    Name = spec.Name,
                    Kind = spec.Kind == DriveKind.Holonomic3D ? RobotKind.Aerial3D : RobotKind.Holonomic2D,
                    MaxLinearSpeedMps = h.MaxLinearVelocityMps,
                    MaxVerticalSpeedMps = spec.Kind == DriveKind.Holonomic3D ? h.MaxLinearVelocityMps : double.PositiveInfinity,
                    MaxLinearAccelerationMps2 = h.MaxLinearAccelerationMps2,
                    ProjectionDistanceM = projectionDistanceM,
                };
                break;
            }
        }
        var errors = model.ValidationErrors();
        if (errors.Count > 0)
            throw new InputException($"robot {spec.Name}: the controller cannot drive it: {string.Join("; ", errors)}");
        return model;
    }

    /// <summary>Radius of the circle around the robot's centre that holds its chassis.</summary>
    public static double BodyRadiusM(RobotSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var b = spec.Body;
        return b is null ? 0.1 : 0.5 * Math.Sqrt(b.ChassisLengthM * b.ChassisLengthM + b.ChassisWidthM * b.ChassisWidthM);
    }
}
