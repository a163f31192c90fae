using System.Buffers.Binary;
using System.Diagnostics;
using Backtest.IO.Parquet;

namespace Backtest.IO.Tests.Parquet;

/// <summary>
/// Damaged and foreign inputs: every case must end in a successful read or a
/// <see cref="ParquetFormatException"/> — no other exception, no hang, no huge allocation.
/// </summary>
public class ParquetFuzzTests
{
    private const long AllocationLimit = 64L << 20;
    private static readonly TimeSpan CaseBudget = TimeSpan.FromSeconds(10);

    [Fact]
    public void TenThousandDamagedFilesFailCleanlyOrReadCleanly()
    {
        var seeds = SeedFiles();
        var random = new Random(12_345);
        int succeeded = 0, rejected = 0;
        long largestAllocation = 0;
        var kinds = new Dictionary<string, int>();
        for (int i = 0; i < 12_000; i++)
        {
            var seed = seeds[i % seeds.Count];
            var (kind, data) = Mutate(seed, i, random);
            kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
            var outcome = RunCase(data, $"case-{i}-{kind}.parquet");
            if (outcome.Error is not null)
            {
                Assert.Fail($"case {i} ({kind}, {data.Length} bytes): {outcome.Error.GetType().Name} escaped: {outcome.Error}");
            }

            largestAllocation = Math.Max(largestAllocation, outcome.Allocated);
            Assert.True(outcome.Allocated < AllocationLimit, $"case {i} ({kind}) allocated {outcome.Allocated} bytes");
            if (outcome.Rejected)
            {
                rejected++;
            }
            else
            {
                succeeded++;
            }
        }

        // Both outcomes occur, so the cases reach past the first check into the data.
        Assert.True(succeeded > 100, $"only {succeeded} cases read successfully");
        Assert.True(rejected > 5_000, $"only {rejected} cases were rejected");
        Assert.All(kinds.Values, count => Assert.True(count > 100));
    }

    [Fact]
    public void RejectionsNameTheFileAndSayWhatIsWrong()
    {
        var seed = SeedFiles()[0];
        var notParquet = Reject("PAR2"u8.ToArray().Concat(seed[4..]).ToArray());
        Assert.Contains("bad magic number at the start", notParquet.Message);
        Assert.StartsWith("fuzz.parquet: ", notParquet.Message);
        Assert.Equal(0, notParquet.Offset);

        var truncated = Reject(seed[..(seed.Length - 10)]);
        Assert.Contains("bad magic number at the end", truncated.Message);

        var tooLong = (byte[])seed.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(tooLong.AsSpan(tooLong.Length - 8), seed.Length);
        Assert.Contains("truncated or corrupt footer", Reject(tooLong).Message);

        Assert.Contains("too short", Reject([.. "PAR1"u8, .. "PAR1"u8]).Message);
    }

    private static ParquetFormatException Reject(byte[] data) =>
        Assert.IsType<ParquetFormatException>(Record.Exception(() => ReadEverything(data)));

    private sealed record Outcome(bool Rejected, Exception? Error, long Allocated);

    private static Outcome RunCase(byte[] data, string name)
    {
        Outcome? outcome = null;
        var task = Task.Run(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                ReadEverything(data, name);
                outcome = new Outcome(false, null, GC.GetAllocatedBytesForCurrentThread() - before);
            }
            catch (ParquetFormatException e)
            {
                // The message is one line and names the file.
                bool wellFormed = e.Message.StartsWith(name + ": ", StringComparison.Ordinal) && !e.Message.Contains('\n');
                outcome = new Outcome(true, wellFormed ? null : new InvalidOperationException("badly formed message: " + e.Message), GC.GetAllocatedBytesForCurrentThread() - before);
            }
            catch (Exception e)
            {
                outcome = new Outcome(false, e, 0);
            }
        });
        if (!task.Wait(CaseBudget))
        {
            return new Outcome(false, new TimeoutException($"no outcome within {CaseBudget.TotalSeconds} s"), 0);
        }

        return outcome!;
    }

    private static void ReadEverything(byte[] data, string name = "fuzz.parquet")
    {
        using var reader = ParquetReader.Open(data, name);
        for (int g = 0; g < reader.RowGroups.Count; g++)
        {
            var table = reader.ReadRowGroup(g);
            foreach (var column in table.Columns)
            {
                for (int row = 0; row < column.Count; row++)
                {
                    column.FormatValue(row);
                }
            }
        }
    }

    private static (string Kind, byte[] Data) Mutate(byte[] seed, int i, Random random)
    {
        var data = (byte[])seed.Clone();
        int footerLength = BinaryPrimitives.ReadInt32LittleEndian(seed.AsSpan(seed.Length - 8));
        int footerStart = seed.Length - 8 - footerLength;
        switch (i % 8)
        {
            case 0:
                return ("truncated", seed[..random.Next(seed.Length)]);
            case 1:
                for (int flips = random.Next(1, 4); flips > 0; flips--)
                {
                    int at = random.Next(data.Length);
                    data[at] ^= (byte)(1 << random.Next(8));
                }

                return ("bit-flip", data);
            case 2:
            {
                int at = footerStart + random.Next(footerLength);
                data[at] ^= (byte)(1 << random.Next(8));
                return ("footer-bit-flip", data);
            }

            case 3:
            {
                var garbage = new byte[random.Next(0, 4096)];
                random.NextBytes(garbage);
                return ("random-bytes", garbage);
            }

            case 4:
            {
                var footer = new byte[random.Next(1, 2048)];
                random.NextBytes(footer);
                byte[] forged = [.. seed[..footerStart], .. footer, .. BitConverter.GetBytes(footer.Length), .. "PAR1"u8];
                return ("garbage-footer", forged);
            }

            case 5:
            {
                // Overwrite a byte inside the data (page headers, levels, values).
                int at = 4 + random.Next(Math.Max(1, footerStart - 4));
                data[at] = (byte)random.Next(256);
                return ("data-byte", data);
            }

            case 6:
            {
                BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(data.Length - 8), random.Next(4) switch
                {
                    0 => -random.Next(),
                    1 => random.Next(),
                    2 => footerLength + random.Next(-16, 17),
                    _ => 0,
                });
                return ("footer-length", data);
            }

            default:
            {
                // Cut a span out of the middle, as a damaged copy might.
                int start = random.Next(data.Length);
                int length = random.Next(1, Math.Max(2, data.Length - start));
                return ("cut", [.. data[..start], .. data[Math.Min(data.Length, start + length)..]]);
            }
        }
    }

    private static List<byte[]> SeedFiles()
    {
        var files = new List<byte[]>();
        foreach (var (codec, encoding) in new[] { (ParquetCodec.Uncompressed, ParquetColumnEncoding.Plain), (ParquetCodec.Snappy, ParquetColumnEncoding.Dictionary), (ParquetCodec.Gzip, ParquetColumnEncoding.Auto), (ParquetCodec.Snappy, ParquetColumnEncoding.Auto) })
        {
            var columns = ParquetTestData.AllTypes(120, seed: (int)codec);
            var stream = new MemoryStream();
            using (var writer = ParquetWriter.Create(stream, ParquetTestData.SchemaOf(columns), new ParquetWriterOptions { Codec = codec, Encoding = encoding, PageRows = 50, RowGroupRows = 60 }))
            {
                ParquetTestData.Write(writer, columns, batch: 30);
                writer.Close();
            }

            files.Add(stream.ToArray());
        }

        return files;
    }
}
