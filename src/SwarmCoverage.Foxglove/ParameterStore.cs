namespace SwarmCoverage.Foxglove;

/// <summary>
/// A thread-safe in-memory <see cref="IParameterProvider"/>: parameters are declared with a value and an optional
/// validator, keep their kind (an Integer given for a Float64 parameter is taken as that number, as clients send
/// whole floats without the hint), are set atomically in batches from clients or the application, and raise
/// <see cref="ParametersChanged"/> once per batch that changed something. docs/foxglove.md "Parameters".
/// </summary>
public sealed class ParameterStore : IParameterProvider
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    /// <inheritdoc/>
    public event EventHandler<ParametersChangedEventArgs>? ParametersChanged;

    /// <summary>
    /// Declares <paramref name="name"/> with <paramref name="value"/>. <paramref name="validate"/> returns null to
    /// accept a candidate value (already of the declared kind) or the reason to refuse it.
    /// </summary>
    public void Declare(string name, ParameterValue value, Func<ParameterValue, string?>? validate = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            if (!_entries.TryAdd(name, new Entry(value, validate)))
            {
                throw new ArgumentException($"parameter '{name}' is already declared", nameof(name));
            }

            _order.Add(name);
        }
    }

    /// <summary>The value of <paramref name="name"/>; throws for an undeclared name.</summary>
    public ParameterValue this[string name]
    {
        get
        {
            lock (_gate)
            {
                return _entries.TryGetValue(name, out Entry? e) ? e.Value : throw new KeyNotFoundException($"no parameter '{name}'");
            }
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<FoxgloveParameter> GetAll()
    {
        lock (_gate)
        {
            return [.. _order.Select(n => new FoxgloveParameter(n, _entries[n].Value))];
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<FoxgloveParameter> Get(IReadOnlyCollection<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        lock (_gate)
        {
            return [.. names.Where(_entries.ContainsKey).Distinct(StringComparer.Ordinal).Select(n => new FoxgloveParameter(n, _entries[n].Value))];
        }
    }

    /// <inheritdoc/>
    public ParameterSetResult Set(IReadOnlyList<FoxgloveParameter> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        List<ParameterError> errors = [];
        List<(string Name, ParameterValue Value)> accepted = [];
        List<FoxgloveParameter> changed = [];
        IReadOnlyList<FoxgloveParameter> inForce;
        lock (_gate)
        {
            foreach (FoxgloveParameter change in changes)
            {
                if (!_entries.TryGetValue(change.Name, out Entry? entry))
                {
                    errors.Add(new ParameterError(change.Name, "no such parameter"));
                }
                else if (change.Value is null)
                {
                    errors.Add(new ParameterError(change.Name, "a declared parameter cannot be unset"));
                }
                else if (Coerce(change.Value, entry.Value.Kind) is not { } value)
                {
                    errors.Add(new ParameterError(change.Name, $"expected {entry.Value.Kind}, got {change.Value.Kind}"));
                }
                else if (entry.Validate?.Invoke(value) is { } reason)
                {
                    errors.Add(new ParameterError(change.Name, reason));
                }
                else
                {
                    accepted.Add((change.Name, value));
                }
            }

            if (errors.Count == 0)
            {
                foreach ((string name, ParameterValue value) in accepted)
                {
                    Entry entry = _entries[name];
                    if (!entry.Value.Equals(value))
                    {
                        entry.Value = value;
                        changed.Add(new FoxgloveParameter(name, value));
                    }
                }
            }

            inForce = [.. changes.Select(c => c.Name).Where(_entries.ContainsKey).Distinct(StringComparer.Ordinal).Select(n => new FoxgloveParameter(n, _entries[n].Value))];
        }

        // Raised outside the lock: a handler may read the store.
        if (changed.Count > 0)
        {
            ParametersChanged?.Invoke(this, new ParametersChangedEventArgs(changed));
        }

        return new ParameterSetResult(errors, inForce);
    }

    /// <summary>Sets one parameter from the application (validated like a client's set); throws if refused.</summary>
    public void Set(string name, ParameterValue value)
    {
        ParameterSetResult result = Set([new FoxgloveParameter(name, value)]);
        if (!result.Applied)
        {
            throw new ArgumentException($"parameter '{name}': {result.Errors[0].Reason}", nameof(value));
        }
    }

    private static ParameterValue? Coerce(ParameterValue value, ParameterKind kind)
    {
        if (value.Kind == kind)
        {
            return value;
        }

        return kind switch
        {
            ParameterKind.Float64 when value.TryGetNumber(out double d) => ParameterValue.Float64(d),
            ParameterKind.Float64Array when value.TryGetNumbers(out var a) => ParameterValue.Float64Array(a.AsSpan()),
            // An empty array arrives without a hint as Float64Array (docs/foxglove.md "Parameters").
            ParameterKind.IntegerArray when value.Kind == ParameterKind.Float64Array && value.AsFloat64Array().IsEmpty => ParameterValue.IntegerArray([]),
            ParameterKind.BoolArray when value.Kind == ParameterKind.Float64Array && value.AsFloat64Array().IsEmpty => ParameterValue.BoolArray([]),
            ParameterKind.StringArray when value.Kind == ParameterKind.Float64Array && value.AsFloat64Array().IsEmpty => ParameterValue.StringArray([]),
            _ => null,
        };
    }

    private sealed class Entry(ParameterValue value, Func<ParameterValue, string?>? validate)
    {
        public ParameterValue Value { get; set; } = value;

        public Func<ParameterValue, string?>? Validate { get; } = validate;
    }
}
