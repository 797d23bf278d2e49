using SwarmCoverage.Core;

namespace SwarmCoverage.Control;

/// <summary>
/// Every actuator limit of a robot written as slabs on the point velocity u: |n_k . u| &lt;= SpeedBound_k (speed limits) and
/// |n_k . (u - u_prev)| &lt;= AccelHalfWidth_k (acceleration limits over one period). For a differential-drive robot the
/// near-identity map makes v = (cos th, sin th) . u and l omega = (-sin th, cos th) . u, so the limits on v, omega and on
/// both wheel speeds are exactly such slabs at the current heading. A holonomic robot's speed disc is replaced by the
/// inscribed regular 16-gon (at most 2 % slower than the disc in the worst direction), the same polygon everywhere.
/// </summary>
internal static class ActuatorRows
{
    public const int MaxRows = 9;

    /// <summary>Inradius of the regular 16-gon inscribed in the unit circle.</summary>
    public static readonly double PolygonInradius = DetMath.SinCos(Math.PI / 16).Cos;

    private static readonly double[] PolygonCos = MakeTable(true);
    private static readonly double[] PolygonSin = MakeTable(false);

    public static int Count(RobotModel model) => model.Kind switch
    {
        RobotKind.DifferentialDrive => model.HasWheelLimit ? 4 : 2,
        RobotKind.Aerial3D => 9,
        _ => 8,
    };

    /// <summary>
    /// Writes the rows; returns their count. <paramref name="normals"/> gets count * dim values; speed bounds are symmetric
    /// about zero; the acceleration slab is centred on n . u_prev. Infinite bounds mean no limit. <paramref name="s"/> and
    /// <paramref name="c"/> are the heading's <see cref="RobotModel.HeadingSinCos"/> (only a differential drive reads them).
    /// </summary>
    public static int Fill(RobotModel model, int dim, double s, double c, ReadOnlySpan<double> prevU, double periodS,
        Span<double> normals, Span<double> speedBound, Span<double> accelCenter, Span<double> accelHalfWidth)
    {
        if (model.Kind == RobotKind.DifferentialDrive)
        {
            double l = model.ProjectionDistanceM;
            normals[0] = c;
            normals[1] = s;
            speedBound[0] = model.MaxLinearSpeedMps;
            accelHalfWidth[0] = model.MaxLinearAccelerationMps2 * periodS;
            normals[dim] = -s;
            normals[dim + 1] = c;
            speedBound[1] = l * model.MaxAngularSpeedRadps;
            accelHalfWidth[1] = l * model.MaxAngularAccelerationRadps2 * periodS;
            int count = 2;
            if (model.HasWheelLimit)
            {
                // Right wheel: v + omega b / 2 = n0.u + (b / (2 l)) n1.u; left wheel with the minus sign.
                double k = model.WheelSeparationM / (2 * l);
                double bound = model.WheelRadiusM * model.MaxWheelSpeedRadps;
                normals[2 * dim] = c - k * s;
                normals[2 * dim + 1] = s + k * c;
                normals[3 * dim] = c + k * s;
                normals[3 * dim + 1] = s - k * c;
                speedBound[2] = bound;
                speedBound[3] = bound;
                accelHalfWidth[2] = double.PositiveInfinity;
                accelHalfWidth[3] = double.PositiveInfinity;
                count = 4;
            }

            for (int r = 0; r < count; r++)
            {
                accelCenter[r] = normals[r * dim] * prevU[0] + normals[r * dim + 1] * prevU[1];
            }

            return count;
        }

        double speed = PolygonInradius * model.MaxLinearSpeedMps;
        double accel = PolygonInradius * model.MaxLinearAccelerationMps2 * periodS;
        for (int r = 0; r < 8; r++)
        {
            int o = r * dim;
            normals[o] = PolygonCos[r];
            normals[o + 1] = PolygonSin[r];
            if (dim == 3)
            {
                normals[o + 2] = 0;
            }

            speedBound[r] = speed;
            accelHalfWidth[r] = accel;
            accelCenter[r] = PolygonCos[r] * prevU[0] + PolygonSin[r] * prevU[1];
        }

        if (model.Kind != RobotKind.Aerial3D)
        {
            return 8;
        }

        int z = 8 * dim;
        normals[z] = 0;
        normals[z + 1] = 0;
        normals[z + 2] = 1;
        speedBound[8] = model.MaxVerticalSpeedMps;
        accelHalfWidth[8] = model.MaxLinearAccelerationMps2 * periodS;
        accelCenter[8] = prevU[2];
        return 9;
    }

    /// <summary>Largest f in [0, 1] with f u inside every speed slab.</summary>
    public static double SpeedScale(int rows, int dim, ReadOnlySpan<double> normals, ReadOnlySpan<double> speedBound, ReadOnlySpan<double> u)
    {
        double f = 1.0;
        for (int r = 0; r < rows; r++)
        {
            double t = Math.Abs(SmallVector.Dot(normals.Slice(r * dim, dim), u));
            if (t * f > speedBound[r])
            {
                f = speedBound[r] / t;
            }
        }

        return f;
    }

    /// <summary>Largest t in [0, 1] with u_prev + t (target - u_prev) inside every acceleration slab.</summary>
    public static double AccelerationFraction(int rows, int dim, ReadOnlySpan<double> normals, ReadOnlySpan<double> accelCenter,
        ReadOnlySpan<double> accelHalfWidth, ReadOnlySpan<double> target)
    {
        double f = 1.0;
        for (int r = 0; r < rows; r++)
        {
            double t = Math.Abs(SmallVector.Dot(normals.Slice(r * dim, dim), target) - accelCenter[r]);
            if (t * f > accelHalfWidth[r])
            {
                f = accelHalfWidth[r] / t;
            }
        }

        return f;
    }

    private static double[] MakeTable(bool cos)
    {
        var t = new double[8];
        for (int k = 0; k < 8; k++)
        {
            double angle = k * Math.PI / 8;
            var (sin, cosine) = DetMath.SinCos(angle);
            t[k] = cos ? cosine : sin;
        }

        return t;
    }
}
