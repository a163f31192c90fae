using System.Text;
using Backtest.IO;

namespace Backtest.Testing.Fuzz;

/// <summary>
/// Deterministic malformed inputs for parsers: truncations, bit flips, overwritten, inserted,
/// deleted, duplicated and swapped bytes or lines of a valid seed, and random bytes drawn
/// mostly from the characters that matter to CSV and number syntax. Shared by the CSV reader's
/// and the loaders' fuzz tests.
/// </summary>
internal sealed class InputFuzzer(int seed)
{
    private static readonly byte[] Interesting = [.. ",\"\r\n-.0123456789eE:TZ +"u8, 0x00, 0x7F, 0xC3, 0xEF, 0xBB, 0xBF, 0xFF];

    private readonly Random random = new(seed);

    /// <summary>One malformed variant of <paramref name="valid"/>.</summary>
    public byte[] Mutate(byte[] valid)
    {
        var bytes = new List<byte>(valid);
        switch (random.Next(7))
        {
            case 0:
                return [.. bytes.Take(random.Next(bytes.Count + 1))];
            case 1:
                for (int flips = random.Next(1, 9); flips > 0 && bytes.Count > 0; flips--)
                {
                    int at = random.Next(bytes.Count);
                    bytes[at] ^= (byte)(1 << random.Next(8));
                }

                return [.. bytes];
            case 2:
                for (int writes = random.Next(1, 5); writes > 0 && bytes.Count > 0; writes--)
                {
                    bytes[random.Next(bytes.Count)] = Pick();
                }

                return [.. bytes];
            case 3:
                for (int inserts = random.Next(1, 5); inserts > 0; inserts--)
                {
                    bytes.Insert(random.Next(bytes.Count + 1), Pick());
                }

                return [.. bytes];
            case 4:
                return Lines(valid);
            case 5:
                int start = random.Next(bytes.Count + 1);
                bytes.RemoveRange(start, random.Next(Math.Min(40, bytes.Count - start) + 1));
                return [.. bytes];
            default:
                var noise = new byte[random.Next(200)];
                for (int i = 0; i < noise.Length; i++)
                {
                    noise[i] = random.Next(4) == 0 ? (byte)random.Next(256) : Pick();
                }

                return noise;
        }
    }

    /// <summary>
    /// Runs <paramref name="parse"/> on <paramref name="cases"/> variants of each seed. Each must
    /// succeed or throw <see cref="DataFileException"/> with a file, and a one-line message;
    /// anything else fails with the input in Base64. Returns how many were accepted and refused.
    /// </summary>
    public (int Accepted, int Refused) Run(IReadOnlyList<byte[]> seeds, int cases, Action<byte[]> parse)
    {
        int accepted = 0, refused = 0;
        for (int i = 0; i < cases; i++)
        {
            var input = Mutate(seeds[i % seeds.Count]);
            try
            {
                parse(input);
                accepted++;
            }
            catch (DataFileException e) when (e.File is not null && !e.Message.Contains('\n') && !e.Message.Contains('\r'))
            {
                refused++;
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"case {i}: {e.GetType().Name}: {e.Message}\ninput (Base64): {Convert.ToBase64String(input)}");
            }
        }

        return (accepted, refused);
    }

    private byte Pick() => Interesting[random.Next(Interesting.Length)];

    /// <summary>Deletes, duplicates or swaps whole lines, which keeps rows well formed but breaks their order or count.</summary>
    private byte[] Lines(byte[] valid)
    {
        var lines = Encoding.UTF8.GetString(valid).Split('\n').ToList();
        if (lines.Count < 2)
        {
            return valid;
        }

        int a = random.Next(lines.Count), b = random.Next(lines.Count);
        switch (random.Next(3))
        {
            case 0:
                lines.RemoveAt(a);
                break;
            case 1:
                lines.Insert(a, lines[b]);
                break;
            default:
                (lines[a], lines[b]) = (lines[b], lines[a]);
                break;
        }

        return Encoding.UTF8.GetBytes(string.Join('\n', lines));
    }
}
