using System.CommandLine;
using System.Reflection;
using Backtest.Cli.Commands;
using Backtest.Engine.Models;

namespace Backtest.Cli;

/// <summary>The <c>backtest</c> command: parsing, dispatch, and the exit-code contract.</summary>
public static class BacktestCli
{
    /// <summary>Exit code of a successful command.</summary>
    public const int Ok = 0;

    /// <summary>Exit code when the work ran and found a failure (a failed vector, a regression, a failing notebook cell).</summary>
    public const int Failed = 1;

    /// <summary>Exit code for bad input: unknown command, bad argument, bad study or data file.</summary>
    public const int BadInput = 2;

    public static string Version =>
        typeof(BacktestCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    /// <summary>
    /// The one error worth printing: an unknown word before the generic "required command"
    /// complaint, and an unknown option even where the parser would have taken it as a value.
    /// </summary>
    private static string? FirstError(ParseResult parse)
    {
        var unknownOption = parse.Tokens.FirstOrDefault(t =>
            t.Type == System.CommandLine.Parsing.TokenType.Argument && t.Value.StartsWith('-') && t.Value.Length > 1 &&
            !char.IsDigit(t.Value[1]) && t.Value[1] != '.');
        if (unknownOption is not null)
        {
            return $"unknown option '{unknownOption.Value}'";
        }

        if (parse.Errors.Count == 0)
        {
            return null;
        }

        var unrecognised = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal));
        return (unrecognised ?? parse.Errors[0]).Message;
    }

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, stdout, stderr, ModelCatalog.Default);

    /// <summary>Runs the command with the models studies may name (the engine's, unless a host supplies others).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, ModelCatalog models)
    {
        var root = CreateRoot(stdout, stderr, models);

        // The built-in --version reports the entry assembly, which is the test host under tests.
        foreach (var option in root.Options.OfType<VersionOption>())
        {
            option.Action = new PrintVersion();
        }

        var parse = root.Parse(args);
        var error = FirstError(parse);
        if (error is not null)
        {
            stderr.WriteLine($"backtest: error: {error} (see 'backtest --help')");
            return BadInput;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (InputException e)
        {
            stderr.WriteLine($"backtest: error: {e.Message}");
            return BadInput;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("backtest: cancelled");
            return Failed;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A defect, not bad input: one line saying so, then the trace a bug report needs.
            stderr.WriteLine($"backtest: internal error: {e.GetType().Name}: {e.Message}");
            stderr.WriteLine(e.StackTrace);
            return Failed;
        }
    }

    /// <summary>The command tree: every subcommand with its options (also what deployment files are checked against).</summary>
    public static RootCommand CreateRoot(TextWriter stdout, TextWriter stderr, ModelCatalog models)
    {
        var root = new RootCommand("Backtest: replays history and Monte Carlo paths through tranche vaults and reports when they run and who loses.");
        foreach (var command in CommandCatalog.All(stdout, stderr, models))
        {
            root.Add(command);
        }

        return root;
    }

    private sealed class PrintVersion : System.CommandLine.Invocation.SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Version);
            return Ok;
        }
    }
}
