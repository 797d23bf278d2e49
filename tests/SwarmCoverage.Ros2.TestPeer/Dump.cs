using System.Globalization;
using System.Reflection;
using System.Text;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs;

namespace SwarmCoverage.Ros2.TestPeer;

/// <summary>
/// A canonical one-line text of a message: every public field, recursively, doubles and floats as their exact
/// bit patterns. Two messages are equal on the wire exactly when their dumps are equal.
/// </summary>
public static class Dump
{
    public static string Of(object? value)
    {
        var sb = new StringBuilder();
        Append(sb, value);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                return;
            case string s:
                sb.Append('"').Append(s).Append('"');
                return;
            case double d:
                sb.Append(d.ToString("R", CultureInfo.InvariantCulture)).Append("#").Append(BitConverter.DoubleToInt64Bits(d).ToString("x16", CultureInfo.InvariantCulture));
                return;
            case float f:
                sb.Append(f.ToString("R", CultureInfo.InvariantCulture)).Append("#").Append(BitConverter.SingleToInt32Bits(f).ToString("x8", CultureInfo.InvariantCulture));
                return;
            case bool b:
                sb.Append(b ? "true" : "false");
                return;
            case Covariance6x6 c:
                AppendSpan(sb, (ReadOnlySpan<double>)c);
                return;
            case UInt32Array3 u:
                AppendSpan(sb, (ReadOnlySpan<uint>)u);
                return;
            case Array a:
                sb.Append('[');
                for (int i = 0; i < a.Length; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    Append(sb, a.GetValue(i));
                }

                sb.Append(']');
                return;
            default:
                break;
        }

        Type t = value.GetType();
        if (t.IsPrimitive)
        {
            sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
            return;
        }

        sb.Append(t.Name).Append('{');
        bool first = true;
        foreach (FieldInfo f in t.GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!first)
            {
                sb.Append(',');
            }

            first = false;
            sb.Append(f.Name).Append('=');
            Append(sb, f.GetValue(value));
        }

        sb.Append('}');
    }

    private static void AppendSpan<T>(StringBuilder sb, ReadOnlySpan<T> values)
    {
        sb.Append('[');
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            Append(sb, values[i]);
        }

        sb.Append(']');
    }
}
