using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Backtest.Engine.Models;
using Backtest.Engine.Runs;
using Backtest.Market.Data;
using YamlDotNet.RepresentationModel;

namespace Backtest.Cli.Tests;

/// <summary>
/// deploy/ cannot run here (no container engine, no cluster), so its files are checked against
/// what they rely on: every <c>backtest</c> command line they hold must parse without error in
/// the CLI's own command tree; the merge reads the folder the shards write; the Kubernetes shard
/// count matches the Job's completions; the Slurm directives are where sbatch reads them; the
/// Dockerfile copies files that exist and starts the assembly the CLI project builds.
/// </summary>
public partial class DeployFilesTests
{
    private static readonly string Repository = Backtest.Engine.Tests.RepositoryFolder.Root;

    private static readonly RootCommand Cli = BacktestCli.CreateRoot(TextWriter.Null, TextWriter.Null, ModelCatalog.Default);

    /// <summary>sbatch's long options used by job scripts (from the sbatch manual).</summary>
    private static readonly HashSet<string> SbatchOptions =
    [
        "account", "array", "chdir", "constraint", "cpus-per-task", "dependency", "error", "exclusive", "export", "gres",
        "job-name", "mail-type", "mail-user", "mem", "mem-per-cpu", "nodes", "ntasks", "output", "parsable", "partition",
        "qos", "requeue", "time", "wrap",
    ];

    /// <summary>Values the Slurm script's variables stand for when its command lines are parsed.</summary>
    private static readonly Dictionary<string, string> ScriptVariables = new()
    {
        ["study"] = "studies/example.yaml",
        ["shards"] = "8",
        ["dir"] = "runs/example",
        ["SLURM_CPUS_PER_TASK"] = "8",
    };

    [Fact]
    public void TheSlurmScriptRunsShardsAndAMergeOfTheirFolder()
    {
        var script = File.ReadAllLines(Path.Combine(Repository, "deploy", "slurm", "run-study.sbatch"));
        var calls = BacktestCalls(Logical(script)).Select(call => call.Select(Substitute).ToArray()).ToList();
        Assert.All(calls, AssertParses);
        var run = Assert.Single(calls, c => c[0] == "run");
        var merge = Assert.Single(calls, c => c[0] == "merge");
        Assert.Equal(ValueOf(run, "--out"), merge[1]);
        Assert.Equal(ScriptVariables["shards"], ValueOf(run, "--shards"));
        Assert.NotEqual(ValueOf(run, "--out"), ValueOf(merge, "--out"));
    }

    [Fact]
    public void TheSlurmScriptsDirectivesAreReadBySbatch()
    {
        var script = File.ReadAllLines(Path.Combine(Repository, "deploy", "slurm", "run-study.sbatch"));
        Assert.StartsWith("#!/bin/bash", script[0]);

        // sbatch stops reading #SBATCH lines at the first line that is neither blank nor a comment.
        int firstCommand = Array.FindIndex(script, 1, l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'));
        var directives = script.Select((line, i) => (line, i)).Where(x => x.line.StartsWith("#SBATCH", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(directives);
        foreach (var (line, index) in directives)
        {
            Assert.True(index < firstCommand, $"line {index + 1} comes after the first command, so sbatch ignores it: {line}");
            var match = SbatchDirective().Match(line);
            Assert.True(match.Success, $"not a #SBATCH --option[=value] line: {line}");
            Assert.Contains(match.Groups["name"].Value, SbatchOptions);
        }

        var sbatchCalls = Logical(script).Where(l => Regex.IsMatch(l, @"\$\(sbatch ")).ToList();
        Assert.Equal(2, sbatchCalls.Count);
        foreach (var call in sbatchCalls)
        {
            foreach (Match option in Regex.Matches(call, @"\s--(?<name>[a-z-]+)"))
            {
                Assert.Contains(option.Groups["name"].Value, SbatchOptions);
            }
        }

        Assert.Contains("--array=\"0-$((shards - 1))\"", sbatchCalls[0]);
        Assert.Contains("--dependency=\"afterok:", sbatchCalls[1]);
    }

    [Fact]
    public void TheSlurmScriptIsValidBash()
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-n");
        info.ArgumentList.Add(Path.Combine(Repository, "deploy", "slurm", "run-study.sbatch"));
        using var bash = Process.Start(info)!;
        var errors = bash.StandardError.ReadToEnd();
        bash.WaitForExit();
        Assert.True(bash.ExitCode == 0, errors);
    }

    [Fact]
    public void TheKubernetesJobsRunIndexedShardsAndMergeTheirFolder()
    {
        var documents = Yaml("study-job.yaml").Concat(Yaml("merge-job.yaml")).ToList();
        var claims = documents.Where(d => Text(d, "kind") == "PersistentVolumeClaim").Select(d => Text(Map(d, "metadata"), "name")).ToList();
        var jobs = documents.Where(d => Text(d, "kind") == "Job").ToDictionary(d => Text(Map(d, "metadata"), "name"));
        Assert.Equal(["backtest-merge", "backtest-study"], jobs.Keys.Order(StringComparer.Ordinal));

        var study = Map(jobs["backtest-study"], "spec");
        Assert.Equal("Indexed", Text(study, "completionMode"));
        var shard = ContainerArgs(jobs["backtest-study"], claims);
        var merge = ContainerArgs(jobs["backtest-merge"], claims);
        AssertParses(shard);
        AssertParses(merge);
        Assert.Equal("run", shard[0]);
        Assert.Equal("merge", merge[0]);
        Assert.Equal(Text(study, "completions"), ValueOf(shard, "--shards"));
        Assert.Equal(ValueOf(shard, "--out"), merge[1]);
    }

    [Fact]
    public void TheDockerfileBuildsTheCliAndShipsTheData()
    {
        var lines = Logical(File.ReadAllLines(Path.Combine(Repository, "deploy", "Dockerfile")))
            .Where(l => l.Trim().Length > 0)
            .Select(l => (Instruction: l.Split(' ', 2)[0], Arguments: l.Split(' ', 2)[1].Trim()))
            .ToList();

        var sdkMajor = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository, "global.json"))).RootElement.GetProperty("sdk").GetProperty("version").GetString()!.Split('.')[0];
        var stages = lines.Where(l => l.Instruction == "FROM").Select(l => l.Arguments).ToList();
        Assert.Equal($"mcr.microsoft.com/dotnet/sdk:{sdkMajor}.0 AS build", stages[0]);
        Assert.Equal($"mcr.microsoft.com/dotnet/runtime:{sdkMajor}.0", stages[^1]);

        foreach (var (_, arguments) in lines.Where(l => l.Instruction == "COPY" && !l.Arguments.StartsWith("--from", StringComparison.Ordinal)))
        {
            var sources = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1];
            Assert.All(sources, s => Assert.True(Path.Exists(Path.Combine(Repository, s)), $"COPY source {s} is not in the repository"));
        }

        var cliProject = Path.Combine("src", "Backtest.Cli", "Backtest.Cli.csproj");
        var assembly = System.Xml.Linq.XDocument.Load(Path.Combine(Repository, cliProject)).Descendants("AssemblyName").Single().Value;
        var publish = Assert.Single(lines, l => l.Instruction == "RUN" && l.Arguments.StartsWith("dotnet publish", StringComparison.Ordinal)).Arguments;
        Assert.Contains(cliProject.Replace('\\', '/'), publish);
        var output = Regex.Match(publish, @"-o (\S+)").Groups[1].Value;
        var installed = Assert.Single(lines, l => l.Instruction == "COPY" && l.Arguments.StartsWith($"--from=build {output} ", StringComparison.Ordinal)).Arguments.Split(' ')[^1];

        var entry = JsonSerializer.Deserialize<string[]>(Assert.Single(lines, l => l.Instruction == "ENTRYPOINT").Arguments)!;
        Assert.Equal(["dotnet", $"{installed}/{assembly}.dll"], entry);

        var data = Assert.Single(lines, l => l.Instruction == "COPY" && l.Arguments.StartsWith("data/ ", StringComparison.Ordinal)).Arguments.Split(' ')[^1];
        Assert.Contains(lines, l => l.Instruction == "ENV" && l.Arguments == $"{DataFiles.FolderVariable}={data.TrimEnd('/')}");
    }

    /// <summary>The CLI's parser must accept the call: known subcommand and options, values of the right type, required options present.</summary>
    private static void AssertParses(string[] call)
    {
        var parse = Cli.Parse(call);
        Assert.True(parse.Errors.Count == 0, $"backtest {string.Join(' ', call)}: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
        Assert.Equal(call[0], parse.CommandResult.Command.Name);
    }

    private static string? ValueOf(string[] call, string option)
    {
        int at = Array.IndexOf(call, option);
        return at >= 0 && at + 1 < call.Length ? call[at + 1] : null;
    }

    /// <summary>The lines that are not comments, each joined with the next where it ends in a backslash, as the shell and Docker do.</summary>
    private static IEnumerable<string> Logical(IEnumerable<string> lines)
    {
        var pending = string.Empty;
        foreach (var line in lines.Where(l => !l.TrimStart().StartsWith('#')))
        {
            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            yield return pending + line;
            pending = string.Empty;
        }
    }

    /// <summary>The arguments after `backtest` on every shell line that calls it, quotes removed.</summary>
    private static IEnumerable<string[]> BacktestCalls(IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            var words = ShellWords().Matches(line).Select(m => m.Value.Replace("\"", string.Empty, StringComparison.Ordinal).Replace("'", string.Empty, StringComparison.Ordinal)).ToArray();
            if (words.Length > 1 && words[0] == "backtest")
            {
                yield return words[1..];
            }
        }
    }

    /// <summary>Replaces $name and ${name…} in a word with <see cref="ScriptVariables"/>; a variable the test does not know fails it.</summary>
    private static string Substitute(string word) => ShellVariable().Replace(word, m =>
    {
        var name = m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["plain"].Value;
        return ScriptVariables.TryGetValue(name, out var value) ? value : throw new Xunit.Sdk.XunitException($"the test does not know what ${name} in '{word}' stands for");
    });

    private static IEnumerable<YamlMappingNode> Yaml(string file)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(Path.Combine(Repository, "deploy", "k8s", file)));
        stream.Load(reader);
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode);
    }

    /// <summary>The only container's args; its volumes must be declared and their claims defined.</summary>
    private static string[] ContainerArgs(YamlMappingNode job, IReadOnlyList<string> claims)
    {
        var pod = Map(Map(Map(job, "spec"), "template"), "spec");
        Assert.Contains(Text(pod, "restartPolicy"), new[] { "Never", "OnFailure" });
        var container = (YamlMappingNode)Assert.Single(((YamlSequenceNode)pod.Children["containers"]).Children);
        Assert.False(container.Children.ContainsKey("command"), "the image's ENTRYPOINT starts the CLI; a command would replace it");
        var volumes = ((YamlSequenceNode)pod.Children["volumes"]).Children.Cast<YamlMappingNode>().ToDictionary(v => Text(v, "name"));
        foreach (YamlMappingNode mount in ((YamlSequenceNode)container.Children["volumeMounts"]).Children.Cast<YamlMappingNode>())
        {
            Assert.True(volumes.ContainsKey(Text(mount, "name")), $"volume {Text(mount, "name")} is mounted but not declared");
        }

        foreach (var volume in volumes.Values.Where(v => v.Children.ContainsKey("persistentVolumeClaim")))
        {
            Assert.Contains(Text(Map(volume, "persistentVolumeClaim"), "claimName"), claims);
        }

        return [.. ((YamlSequenceNode)container.Children["args"]).Children.Select(a => ((YamlScalarNode)a).Value!)];
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[key];

    private static string Text(YamlMappingNode node, string key) => ((YamlScalarNode)node.Children[key]).Value!;

    [GeneratedRegex(@"^#SBATCH --(?<name>[a-z-]+)(=\S+)?$")]
    private static partial Regex SbatchDirective();

    [GeneratedRegex(@"(""[^""]*""|'[^']*'|[^\s""']+)+")]
    private static partial Regex ShellWords();

    [GeneratedRegex(@"\$\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)[^}]*\}|\$(?<plain>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex ShellVariable();
}
