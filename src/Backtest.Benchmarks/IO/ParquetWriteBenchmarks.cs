using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Backtest.IO.Parquet;

namespace Backtest.Benchmarks.IO;

/// <summary>
/// Writes a 10,000,000-row table of 8 columns (4 INT64, 4 DOUBLE) shaped like a run's per-step
/// output — path and step counters, nano-unit balances on random walks, prices and ratios — with
/// each codec, in batches of 65,536 rows, to a stream that discards the bytes (so the figure is
/// the encoder's, not the disk's). Reports values (rows × columns) written per second.
/// </summary>
[Config(typeof(Config))]
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

    /// <summary>Process CPU seconds of each write, by codec: a figure less disturbed than wall time when the machine is shared.</summary>
    private static readonly Dictionary<ParquetCodec, List<double>> CpuSeconds = [];

    [Benchmark]
    public long Write()
    {
        var cpuBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        long length = WriteTable();
        double cpu = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        lock (CpuSeconds)
        {
            if (!CpuSeconds.TryGetValue(Codec, out var list))
            {
                CpuSeconds[Codec] = list = [];
            }

            list.Add(cpu);
        }

        return length;
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
    /// A minimal in-process configuration: the machine is shared, so a few monitored iterations
    /// of a seconds-long operation, reported as medians; in-process because BenchmarkDotNet 0.14
    /// does not generate projects for .NET 10 by itself.
    /// </summary>
    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default
                .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: true))
                .WithStrategy(RunStrategy.Monitoring)
                .WithLaunchCount(1)
                .WithWarmupCount(1)
                .WithIterationCount(5));
            AddDiagnoser(MemoryDiagnoser.Default);
            AddColumnProvider(DefaultColumnProviders.Instance);
            AddColumn(StatisticColumn.Median, new ValuesPerSecondColumn(cpu: false), new ValuesPerSecondColumn(cpu: true));
            AddLogger(BenchmarkDotNet.Loggers.ConsoleLogger.Default);
            AddExporter(BenchmarkDotNet.Exporters.MarkdownExporter.GitHub);
        }
    }

    /// <summary>Rows × columns per second, from the median wall time or the median process CPU time.</summary>
    private sealed class ValuesPerSecondColumn(bool cpu) : IColumn
    {
        public string Id => cpu ? "ValuesPerCpuSecond" : "ValuesPerSecond";

        public string ColumnName => cpu ? "Values/CPU-s (median)" : "Values/s (median)";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => cpu ? 1 : 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => cpu
            ? "values (rows × 8 columns) written per second of process CPU time, less sensitive to other load on a shared machine"
            : "values (rows × 8 columns) written per second of wall time";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            double? seconds = cpu ? MedianCpuSeconds((ParquetCodec)benchmarkCase.Parameters["Codec"]) : summary[benchmarkCase]?.ResultStatistics?.Median / 1e9;
            return seconds is double s ? $"{Rows * 8.0 / s / 1e6:F0} M" : "-";
        }

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;

        private static double? MedianCpuSeconds(ParquetCodec codec)
        {
            lock (CpuSeconds)
            {
                return CpuSeconds.TryGetValue(codec, out var list) && list.Count > 0 ? list.Order().ElementAt(list.Count / 2) : null;
            }
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
