using System.Collections.Concurrent;
using Backtest.Engine.Scheduling;

namespace Backtest.Engine.Tests;

public class BatchSchedulerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(8)]
    public void ConsumesEveryBatchOnceInOrder(int threads)
    {
        var computed = new ConcurrentBag<int>();
        var consumed = new List<int>();
        BatchScheduler.Run(200, threads, b =>
        {
            // Uneven work so batches finish out of order.
            Thread.SpinWait((b * 7919) % 20_000);
            computed.Add(b);
        }, consumed.Add);
        Assert.Equal(Enumerable.Range(0, 200), consumed);
        Assert.Equal(Enumerable.Range(0, 200), computed.Order());
    }

    [Fact]
    public void TheLowestFailingBatchsErrorIsRethrown()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            BatchScheduler.Run(100, 4, b =>
            {
                if (b is 13 or 57)
                {
                    throw new InvalidOperationException($"batch {b}");
                }
            }, _ => { }));
        Assert.Equal("batch 13", e.Message);
    }

    [Fact]
    public void AConsumerFailureStopsTheRun()
    {
        int consumed = 0;
        Assert.Throws<IOException>(() => BatchScheduler.Run(1000, 4, _ => { }, b =>
        {
            consumed++;
            if (b == 5)
            {
                throw new IOException("disk full");
            }
        }));
        Assert.Equal(6, consumed);
    }

    [Fact]
    public void NoBatchesIsFine()
    {
        int calls = 0;
        BatchScheduler.Run(0, 4, _ => calls++, _ => calls++);
        Assert.Equal(0, calls);
    }

    [Fact]
    public void CancellationStopsAndThrows()
    {
        using var cts = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => BatchScheduler.Run(10_000, 2, b =>
        {
            if (b == 10)
            {
                cts.Cancel();
            }
        }, _ => { }, cancellation: cts.Token));
    }

    [Fact]
    public void WorkInFlightStaysWithinTheWindow()
    {
        int inFlight = 0, peak = 0;
        BatchScheduler.Run(500, 4, _ =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref peak, now);
        }, _ =>
        {
            Interlocked.Decrement(ref inFlight);
        }, window: 8);
        Assert.True(peak <= 8, $"peak {peak}");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
