using System.Globalization;
using Backtest.Engine.Models;
using Backtest.Engine.Tests;

namespace Backtest.Cli.Tests;

/// <summary>
/// Started as a program (<c>dotnet Backtest.Cli.Tests.dll ARGS</c>), this assembly is the
/// <c>backtest</c> command with the engine's test model in its catalog, so tests can run the real
/// command tree in separate processes. <see cref="FaultVariable"/> = "throw:PATH" or "hang:PATH"
/// swaps in the model that fails at that path of every run (<see cref="FaultyModel"/>), so a test
/// can crash exactly the shard that owns the path.
/// </summary>
public static class TestCliHost
{
    public const string FaultVariable = "BACKTEST_TEST_FAULT";

    public static int Main(string[] args) => BacktestCli.Run(args, Console.Out, Console.Error, Models(Environment.GetEnvironmentVariable(FaultVariable)));

    /// <summary>The models the host offers: the test model, or its faulty form when a fault is asked for.</summary>
    internal static ModelCatalog Models(string? fault) => fault?.Split(':') is [var kind, var path]
        ? new([new FaultyModel(long.Parse(path, CultureInfo.InvariantCulture), Enum.Parse<Fault>(kind, ignoreCase: true))])
        : new([new TestModel()]);
}
