using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace Backtest.Cli.Bench;

/// <summary>
/// Finds BenchmarkDotNet benchmarks in an assembly and runs them without BenchmarkDotNet's
/// engine. Attributes are recognised by their full names through <see cref="CustomAttributeData"/>,
/// never by type identity, so a benchmarks assembly built from any revision (and loaded in its
/// own load context, with its own BenchmarkDotNet) is read the same way. Supported: public
/// parameterless benchmark methods, <c>OperationsPerInvoke</c>, <c>[Params]</c> and
/// <c>[ParamsAllValues]</c> on public properties and fields, <c>[GlobalSetup]</c>,
/// <c>[GlobalCleanup]</c>, <c>[IterationSetup]</c>, <c>[IterationCleanup]</c> (with their
/// <c>Target(s)</c>). Cases needing anything else are listed as unsupported.
/// </summary>
internal static class BenchmarkDiscovery
{
    private const string Attributes = "BenchmarkDotNet.Attributes.";
    private const string TrackedName = "Backtest.Benchmarks.TrackedAttribute";
    private const string ThroughputName = "Backtest.Benchmarks.ThroughputAttribute";

    public static IReadOnlyList<BenchmarkCase> Cases(Assembly assembly)
    {
        var cases = new List<BenchmarkCase>();
        foreach (var type in LoadableTypes(assembly).Where(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false, IsPublic: true }).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            var methods = type.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => Find(m, Attributes + "BenchmarkAttribute") is not null).ToList();
            if (methods.Count == 0)
            {
                continue;
            }

            var parameters = ParameterMembers(type);
            string? typeProblem = parameters.Problem;
            foreach (var method in methods.OrderBy(m => m.MetadataToken))
            {
                var benchmark = Find(method, Attributes + "BenchmarkAttribute")!;
                long operations = Named(benchmark, "OperationsPerInvoke") is int o ? o : 1;
                var throughput = Find(method, ThroughputName) ?? Find(type, ThroughputName);
                string unit = throughput is null ? "operations" : (string)throughput.ConstructorArguments[0].Value!;
                long unitsPerOperation = throughput is not null && Named(throughput, "UnitsPerOperation") is long u ? u : 1;
                var tracked = Find(method, TrackedName);
                var trackedCases = tracked is null ? null : Strings(tracked.ConstructorArguments[0].Value);
                string? problem = typeProblem ?? MethodProblem(method);
                foreach (var assignment in Product(parameters.Members))
                {
                    var values = assignment.Select(a => new KeyValuePair<string, string>(a.Member.Name, Display(a.Value))).ToList();
                    bool isTracked = trackedCases is not null && (trackedCases.Count == 0 || trackedCases.Any(c => CaseMatches(c, values)));
                    cases.Add(new BenchmarkCase(BenchmarkCase.MakeId(type.FullName!, method.Name, values), type.FullName!, method.Name, values,
                        operations, unit, unitsPerOperation, isTracked, problem));
                }
            }
        }

        var duplicate = cases.GroupBy(c => c.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"two benchmark classes give the id '{duplicate.Key}'; rename one of them");
        }

        return cases;
    }

    /// <summary>Creates the case's class, sets its parameters and runs its global setup.</summary>
    public static LoadedBenchmark Load(Assembly assembly, BenchmarkCase benchmarkCase)
    {
        if (benchmarkCase.Unsupported is not null)
        {
            throw new InvalidOperationException($"{benchmarkCase.Id}: {benchmarkCase.Unsupported}");
        }

        var type = assembly.GetType(benchmarkCase.TypeName, throwOnError: true)!;
        var instance = Activator.CreateInstance(type)!;
        var members = ParameterMembers(type).Members;
        foreach (var (name, value) in benchmarkCase.Parameters)
        {
            var (member, values) = members.Single(m => m.Member.Name == name);
            var chosen = values.Single(v => Display(v) == value);
            switch (member)
            {
                case PropertyInfo property:
                    property.SetValue(instance, chosen);
                    break;
                case FieldInfo field:
                    field.SetValue(instance, chosen);
                    break;
            }
        }

        var method = type.GetMethod(benchmarkCase.Method, BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes)!;
        var loaded = new LoadedBenchmark(
            instance,
            Hooks(type, "GlobalSetupAttribute", method.Name),
            Hooks(type, "GlobalCleanupAttribute", method.Name),
            Hooks(type, "IterationSetupAttribute", method.Name),
            Hooks(type, "IterationCleanupAttribute", method.Name),
            Timer(method, instance));
        loaded.GlobalSetup();
        return loaded;
    }

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>();
        }
    }

    private static CustomAttributeData? Find(MemberInfo member, string fullName) =>
        member.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == fullName);

    private static object? Named(CustomAttributeData attribute, string name) =>
        attribute.NamedArguments.FirstOrDefault(a => a.MemberName == name) is { MemberInfo: not null } found ? found.TypedValue.Value : null;

    private static List<string> Strings(object? value) =>
        value is IEnumerable<CustomAttributeTypedArgument> items ? items.Select(i => (string)i.Value!).ToList() : [];

    private static string? MethodProblem(MethodInfo method)
    {
        if (method.GetParameters().Length > 0 || Find(method, Attributes + "ArgumentsAttribute") is not null || Find(method, Attributes + "ArgumentsSourceAttribute") is not null)
        {
            return "benchmarks with arguments are not supported by the quick harness (use BenchmarkDotNet)";
        }

        if (typeof(Task).IsAssignableFrom(method.ReturnType) || method.ReturnType.Name.StartsWith("ValueTask", StringComparison.Ordinal))
        {
            return "asynchronous benchmarks are not supported by the quick harness (use BenchmarkDotNet)";
        }

        return method.IsGenericMethodDefinition ? "generic benchmark methods are not supported" : null;
    }

    private static (List<(MemberInfo Member, object?[] Values)> Members, string? Problem) ParameterMembers(Type type)
    {
        var members = new List<(MemberInfo, object?[])>();
        string? problem = null;
        foreach (var member in type.GetMembers(BindingFlags.Public | BindingFlags.Instance).Where(m => m is PropertyInfo or FieldInfo).OrderBy(m => m.MetadataToken))
        {
            var memberType = member is PropertyInfo p ? p.PropertyType : ((FieldInfo)member).FieldType;
            if (Find(member, Attributes + "ParamsAttribute") is { } values)
            {
                var items = (IEnumerable<CustomAttributeTypedArgument>)values.ConstructorArguments[0].Value!;
                members.Add((member, items.Select(i => Convert(i, memberType)).ToArray()));
            }
            else if (Find(member, Attributes + "ParamsAllValuesAttribute") is not null)
            {
                var underlying = Nullable.GetUnderlyingType(memberType) ?? memberType;
                object?[] all = underlying == typeof(bool) ? [false, true]
                    : underlying.IsEnum ? Enum.GetValues(underlying).Cast<object?>().ToArray()
                    : [];
                if (all.Length == 0)
                {
                    problem = $"[ParamsAllValues] on {member.Name} of type {memberType.Name} is not supported by the quick harness";
                }

                members.Add((member, Nullable.GetUnderlyingType(memberType) is null ? all : [.. all, null]));
            }
            else if (Find(member, Attributes + "ParamsSourceAttribute") is not null)
            {
                problem = $"[ParamsSource] on {member.Name} is not supported by the quick harness (use BenchmarkDotNet)";
            }
        }

        return (members, problem);
    }

    private static object? Convert(CustomAttributeTypedArgument argument, Type target)
    {
        var value = argument.Value;
        var underlying = Nullable.GetUnderlyingType(target) ?? target;
        if (value is null)
        {
            return null;
        }

        if (underlying.IsEnum)
        {
            return Enum.ToObject(underlying, value);
        }

        return underlying.IsInstanceOfType(value) ? value : System.Convert.ChangeType(value, underlying, CultureInfo.InvariantCulture);
    }

    private static string Display(object? value) => value switch
    {
        null => "null",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static IEnumerable<List<(MemberInfo Member, object? Value)>> Product(List<(MemberInfo Member, object?[] Values)> members)
    {
        IEnumerable<List<(MemberInfo, object?)>> result = [[]];
        foreach (var (member, values) in members)
        {
            result = result.SelectMany(prefix => values.Select(v => new List<(MemberInfo, object?)>(prefix) { (member, v) })).ToList();
        }

        return result;
    }

    /// <summary>Whether a case's parameter values contain every Name=Value pair of a pattern like "Tier=Scalar,Codec=Snappy".</summary>
    internal static bool CaseMatches(string pattern, IReadOnlyList<KeyValuePair<string, string>> values) =>
        pattern.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(pair =>
        {
            var eq = pair.IndexOf('=');
            return eq > 0 && values.Any(v => v.Key == pair[..eq].Trim() && string.Equals(v.Value, pair[(eq + 1)..].Trim(), StringComparison.OrdinalIgnoreCase));
        });

    private static MethodInfo[] Hooks(Type type, string attribute, string method) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .Select(m => (Method: m, Attribute: Find(m, Attributes + attribute)))
            .Where(h => h.Attribute is not null && AppliesTo(h.Attribute, method))
            .Select(h => h.Method)
            .ToArray();

    private static bool AppliesTo(CustomAttributeData hook, string method)
    {
        var targets = Named(hook, "Target") is string one ? [one] : Strings(Named(hook, "Targets"));
        return targets.Count == 0 || targets.Contains(method);
    }

    private static Func<long, long> Timer(MethodInfo method, object instance)
    {
        if (method.ReturnType == typeof(void))
        {
            return TimeCalls(method.CreateDelegate<Action>(instance));
        }

        var func = method.CreateDelegate(typeof(Func<>).MakeGenericType(method.ReturnType), instance);
        return (Func<long, long>)typeof(BenchmarkDiscovery).GetMethod(nameof(TimeResults), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(method.ReturnType).Invoke(null, [func])!;
    }

    private static Func<long, long> TimeCalls(Action call) => count =>
    {
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < count; i++)
        {
            call();
        }

        return Nanoseconds(Stopwatch.GetTimestamp() - start);
    };

    private static Func<long, long> TimeResults<T>(Func<T> call) => count =>
    {
        T last = default!;
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < count; i++)
        {
            last = call();
        }

        long elapsed = Stopwatch.GetTimestamp() - start;

        // The last result stays observable, so the calls cannot be optimised away.
        GC.KeepAlive(last);
        return Nanoseconds(elapsed);
    };

    private static long Nanoseconds(long ticks) => (long)((double)ticks * 1e9 / Stopwatch.Frequency);
}

/// <summary>A benchmark instance with its parameters set and its global setup done.</summary>
internal sealed class LoadedBenchmark(object instance, MethodInfo[] globalSetup, MethodInfo[] globalCleanup, MethodInfo[] iterationSetup, MethodInfo[] iterationCleanup, Func<long, long> timeCalls)
{
    public object Instance { get; } = instance;

    internal void GlobalSetup() => Call(globalSetup);

    /// <summary>
    /// Runs <paramref name="iterations"/> timed iterations of <paramref name="invokes"/> calls each:
    /// wall nanoseconds and process CPU nanoseconds (all threads) per iteration.
    /// </summary>
    public (long[] Wall, long[] Cpu) Measure(long invokes, int iterations)
    {
        var wall = new long[iterations];
        var cpu = new long[iterations];
        for (int i = 0; i < iterations; i++)
        {
            Call(iterationSetup);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            long cpuBefore = CpuClock.ProcessNanoseconds();
            wall[i] = timeCalls(invokes);
            cpu[i] = CpuClock.ProcessNanoseconds() - cpuBefore;
            Call(iterationCleanup);
        }

        return (wall, cpu);
    }

    public void GlobalCleanup() => Call(globalCleanup);

    private void Call(MethodInfo[] hooks)
    {
        foreach (var hook in hooks)
        {
            try
            {
                hook.Invoke(Instance, null);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            }
        }
    }
}
