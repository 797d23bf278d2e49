using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.RosgraphMsgs;
using SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs;

namespace SwarmCoverage.Ros2.Tests.Infrastructure;

/// <summary>
/// A message value as the JSON that tests/js/ros2-cdr.mjs makes of a decoded JavaScript object, from the public
/// fields by reflection (not through the library's codec): keys lower-cased without underscores (C# <c>FrameId</c> and
/// ROS <c>frame_id</c> both become <c>frameid</c>), numbers below 64 bits as <c>d:</c> and their float64 bits in hex
/// (<c>d:NaN</c> for any NaN, as JavaScript may not keep NaN payloads), 64-bit integers as <c>i:</c> and decimal,
/// strings <c>s:</c> (null as empty, as sent), booleans <c>b:</c>, arrays as arrays.
/// </summary>
internal static class Canonical
{
    // C# fields whose names do not reduce to the ROS names.
    private static readonly Dictionary<(Type, string), string> Renamed = new()
    {
        [(typeof(Clock), nameof(Clock.Time))] = "clock",
    };

    public static JsonNode Of(object? value)
    {
        switch (value)
        {
            case null:
                return JsonValue.Create("s:");
            case string s:
                return JsonValue.Create("s:" + s);
            case bool b:
                return JsonValue.Create(b ? "b:true" : "b:false");
            case long l:
                return JsonValue.Create("i:" + l.ToString(CultureInfo.InvariantCulture));
            case ulong u:
                return JsonValue.Create("i:" + u.ToString(CultureInfo.InvariantCulture));
            case byte or sbyte or short or ushort or int or uint or float or double:
                double d = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                return JsonValue.Create(double.IsNaN(d) ? "d:NaN" : "d:" + BitConverter.DoubleToUInt64Bits(d).ToString("x16", CultureInfo.InvariantCulture));
            case Covariance6x6 c:
                return Array(((ReadOnlySpan<double>)c).ToArray());
            case UInt32Array3 r:
                return Array(((ReadOnlySpan<uint>)r).ToArray());
            case System.Array a:
                return Array(a);
            default:
                break;
        }

        Type t = value.GetType();
        var o = new JsonObject();
        foreach (FieldInfo f in t.GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            string key = Renamed.GetValueOrDefault((t, f.Name)) ?? f.Name.ToLowerInvariant();
            object? field = f.GetValue(value);
            o[key] = field is null && f.FieldType.IsArray ? new JsonArray() : Of(field);
        }

        return o;
    }

    private static JsonArray Array(System.Array values)
    {
        var a = new JsonArray();
        foreach (object? v in values)
        {
            a.Add(Of(v));
        }

        return a;
    }
}
