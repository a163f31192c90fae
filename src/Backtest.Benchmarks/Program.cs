using Backtest.Benchmarks;
using Backtest.Benchmarks.Waterfall;
using BenchmarkDotNet.Running;

if (args is ["wf6-compare", ..])
{
    return Wf6Comparison.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, new BenchmarkConfig());
return 0;
