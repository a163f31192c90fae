using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using Backtest.IO.Parquet;

namespace Backtest.Benchmarks.IO;

/// <summary>
/// Writes a 10,000,000-row table of 8 columns (4 INT64, 4 DOUBLE) shaped like a run's per-step
/// output — path and step counters, nano-unit balances on random walks, prices and ratios — with
/// each codec, in batches of 65,536 rows, to a stream that discards the bytes (so the figure is
/// the encoder's, not the disk's). Reports values (rows × columns) written per second. The
/// regression gate tracks the SNAPPY write, the codec run folders use.
/// </summary>
[Config(typeof(Config))]
[Throughput("values", UnitsPerOperation = Rows * 8L)]
public class ParquetWriteBenchmarks
{
    public const int Rows = 10_000_000;
    public const int Batch = 65_536;

    private static readonly ParquetSchema Schema = new(
        ParquetColumn.Int64("path"),
        ParquetColumn.Int64("step"),
        ParquetColumn.Decimal("vault_balance", 9),
        ParquetColumn.Decimal("perp_supply", 9),
        ParquetColumn.Double("ampl_price"),
        ParquetColumn.Double("deviation_ratio"),
        ParquetColumn.Double("drawdown"),
        ParquetColumn.Double("apy"));

    private long[][] _longs = [];
    private double[][] _doubles = [];

    [Params(ParquetCodec.Uncompressed, ParquetCodec.Snappy, ParquetCodec.Gzip)]
    public ParquetCodec Codec { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20_240_101);
        _longs = [new long[Rows], new long[Rows], new long[Rows], new long[Rows]];
        _doubles = [new double[Rows], new double[Rows], new double[Rows], new double[Rows]];
        const int steps = 1_000;
        long balance = 0, supply = 0;
        double price = 1, peak = 1;
        for (int i = 0; i < Rows; i++)
        {
            if (i % steps == 0)
            {
                balance = 25_000_000L * 1_000_000_000L;
                supply = 40_000_000L * 1_000_000_000L;
                price = peak = 1.0;
            }

            balance += random.NextInt64(-2_000_000_000_000, 2_000_000_000_000);
            supply += random.Next(8) == 0 ? random.NextInt64(-1_000_000_000_000_000, 1_000_000_000_000_000) : 0;
            price *= Math.Exp((random.NextDouble() - 0.5) * 0.05);
            peak = Math.Max(peak, price);
            _longs[0][i] = i / steps;
            _longs[1][i] = i % steps;
            _longs[2][i] = balance;
            _longs[3][i] = supply;
            _doubles[0][i] = price;
            _doubles[1][i] = (double)balance / supply;
            _doubles[2][i] = 1 - (price / peak);
            _doubles[3][i] = Math.Round(random.NextDouble() * 0.2, 4);
        }
    }

    /// <summary>Process CPU seconds of each write: a figure less disturbed than wall time when the machine is shared.</summary>
    private readonly List<double> _cpuSeconds = [];

    [Benchmark]
    [Tracked("Codec=Snappy")]
    public long Write()
    {
        var cpuBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        long length = WriteTable();
        double cpu = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        _cpuSeconds.Add(cpu);
        return length;
    }

    /// <summary>Prints the median CPU time per write into the run's log (the benchmark process's output).</summary>
    [GlobalCleanup]
    public void ReportCpuTime()
    {
        if (_cpuSeconds.Count > 0)
        {
            double median = _cpuSeconds.Order().ElementAt(_cpuSeconds.Count / 2);
            Console.WriteLine($"// Parquet write, {Codec}: median {median:F3} CPU-s per write = {Rows * 8.0 / median / 1e6:F0} M values per CPU-second ({_cpuSeconds.Count} writes incl. warm-up)");
        }
    }

    private long WriteTable()
    {
        var sink = new CountingStream();
        using var writer = ParquetWriter.Create(sink, Schema, new ParquetWriterOptions { Codec = Codec });
        for (int start = 0; start < Rows; start += Batch)
        {
            int count = Math.Min(Batch, Rows - start);
            for (int c = 0; c < 4; c++)
            {
                writer.Append(c, _longs[c].AsSpan(start, count));
                writer.Append(4 + c, _doubles[c].AsSpan(start, count));
            }

            writer.EndBatch();
        }

        writer.Close();
        return sink.Length;
    }

    /// <summary>
    /// The shared configuration (its 3 warm-ups and 10 measured writes) with the Monitoring
    /// strategy, which suits an operation that takes seconds: no pilot stage, one write per iteration.
    /// </summary>
    private sealed class Config : BenchmarkConfig
    {
        public Config()
        {
            AddJob(BaseJob.WithStrategy(RunStrategy.Monitoring).WithId("parquet"));
            AddDiagnoser(MemoryDiagnoser.Default);
            AddColumn(new MedianRateColumn("Values/s (median)", Rows * 8.0, "millions of values (rows × 8 columns) written per second of wall time, from the median"));
        }
    }

    /// <summary>Discards what is written and counts it.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position
        {
            get => _length;
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
    }
}
