using System.CommandLine;
using System.Text.Json;
using Backtest.Protocols.Conformance;

namespace Backtest.Cli.Commands;

/// <summary><c>backtest conformance FILE...</c>: runs numeric vectors through the models.</summary>
internal static class ConformanceCommand
{
    public static Command Create(TextWriter stdout)
    {
        var files = new Argument<string[]>("FILE") { Description = "Vector files (JSON, the schemas of shared/spec/vectors).", Arity = ArgumentArity.OneOrMore };
        var command = new Command("conformance", "Run numeric vectors from the protocols' test suites through the engine's models.") { files };
        command.SetAction(parse => Run(parse.GetValue(files)!, stdout));
        return command;
    }

    internal static int Run(IReadOnlyList<string> files, TextWriter stdout)
    {
        var suites = new List<(string File, IVectorSuite Suite, JsonDocument Document)>();
        foreach (var file in files)
        {
            if (!File.Exists(file))
            {
                throw new InputException("vector file not found", file: file);
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(File.ReadAllText(file));
            }
            catch (JsonException e)
            {
                throw new InputException($"not valid JSON: {e.Message}", file: file, line: (int?)e.LineNumber + 1);
            }

            var suite = VectorSuites.For(document.RootElement)
                ?? throw new InputException($"no model accepts this vector file (known: {string.Join(", ", VectorSuites.All.Select(s => s.Name))})", file: file);
            suites.Add((file, suite, document));
        }

        int passed = 0, failed = 0, excluded = 0;
        foreach (var (file, suite, document) in suites)
        {
            using (document)
            {
                foreach (var r in suite.Run(document.RootElement))
                {
                    switch (r.Outcome)
                    {
                        case VectorOutcome.Passed:
                            passed++;
                            stdout.WriteLine($"{r.Id}  pass      expected {r.Expected}  actual {r.Actual}");
                            break;
                        case VectorOutcome.Failed:
                            failed++;
                            stdout.WriteLine($"{r.Id}  FAIL      expected {r.Expected}  actual {r.Actual}{(r.Reason is null ? string.Empty : $"  ({r.Reason})")}");
                            break;
                        default:
                            excluded++;
                            stdout.WriteLine($"{r.Id}  excluded  {r.Reason}");
                            break;
                    }
                }
            }
        }

        if (passed + failed + excluded == 0)
        {
            stdout.WriteLine("no vectors ran");
            return BacktestCli.Failed;
        }

        stdout.WriteLine(excluded > 0 ? $"{passed} passed, {failed} failed, {excluded} excluded" : $"{passed} passed, {failed} failed");
        return failed > 0 ? BacktestCli.Failed : BacktestCli.Ok;
    }
}
