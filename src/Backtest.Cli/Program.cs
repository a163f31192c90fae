using Backtest.Cli;

return BacktestCli.Run(args, Console.Out, Console.Error);
