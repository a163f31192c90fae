using System.Text.Json;

namespace Backtest.Protocols.Tests.Conformance;

/// <summary>Locates and reads the repository's tests/vectors files.</summary>
internal static class VectorFiles
{
    public static string PathOf(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "vectors", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"tests/vectors/{name} not found above {AppContext.BaseDirectory}");
    }

    public static JsonDocument Load(string name) => JsonDocument.Parse(File.ReadAllText(PathOf(name)));
}
