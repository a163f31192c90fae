namespace Backtest.Engine.Scheduling;

/// <summary>
/// Runs numbered batches on several threads and hands finished batches to a consumer strictly
/// in batch order. Batches must depend only on their index (counter-based randomness), so the
/// results and the order they are consumed in are the same whatever the thread count. At most
/// <c>window</c> batches are in flight or waiting, which bounds memory however many batches
/// there are.
/// </summary>
public static class BatchScheduler
{
    /// <summary>The thread count a study's <c>threads: 0</c> means: every core.</summary>
    public static int ResolveThreads(int requested) => requested > 0 ? requested : Environment.ProcessorCount;

    /// <param name="batchCount">Batches 0 .. batchCount−1.</param>
    /// <param name="threads">Worker threads (0 = every core).</param>
    /// <param name="work">Computes one batch; called once per index, on any worker thread.</param>
    /// <param name="consumeInOrder">Called once per index in increasing order, one call at a time.</param>
    /// <param name="window">Most batches computed but not yet consumed (≥ threads).</param>
    /// <param name="cancellation">Stops handing out new batches; the call then throws.</param>
    public static void Run(int batchCount, int threads, Action<int> work, Action<int> consumeInOrder, int window = 0, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batchCount);
        int workers = Math.Min(ResolveThreads(threads), Math.Max(1, batchCount));
        window = Math.Max(window, 2 * workers);
        using var slots = new SemaphoreSlim(window, window);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);

        var done = new bool[batchCount];
        int nextToTake = -1;
        int nextToConsume = 0;
        bool draining = false;
        var gate = new object();
        Exception? failure = null;
        int failedBatch = int.MaxValue;

        void Fail(int batch, Exception e)
        {
            lock (gate)
            {
                // Keep the lowest-numbered batch's error so the reported failure does not depend on timing.
                if (batch < failedBatch)
                {
                    failedBatch = batch;
                    failure = e;
                }
            }

            stop.Cancel();
        }

        void Worker()
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    slots.Wait(stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                int batch = Interlocked.Increment(ref nextToTake);
                if (batch >= batchCount)
                {
                    return;
                }

                try
                {
                    work(batch);
                }
                catch (Exception e)
                {
                    Fail(batch, e);
                    return;
                }

                // One worker at a time drains finished batches in order; the consumer runs
                // outside the lock so other workers can keep marking batches done meanwhile.
                lock (gate)
                {
                    done[batch] = true;
                    if (draining)
                    {
                        continue;
                    }

                    draining = true;
                }

                while (true)
                {
                    int next;
                    lock (gate)
                    {
                        if (nextToConsume >= batchCount || !done[nextToConsume] || failure is not null)
                        {
                            draining = false;
                            break;
                        }

                        next = nextToConsume;
                    }

                    try
                    {
                        consumeInOrder(next);
                    }
                    catch (Exception e)
                    {
                        lock (gate)
                        {
                            draining = false;
                        }

                        Fail(next, e);
                        return;
                    }

                    lock (gate)
                    {
                        nextToConsume++;
                    }

                    slots.Release();
                }
            }
        }

        var pool = Enumerable.Range(0, workers).Select(_ => new Thread(Worker) { IsBackground = true, Name = "backtest-batch" }).ToList();
        pool.ForEach(t => t.Start());
        pool.ForEach(t => t.Join());

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }

        cancellation.ThrowIfCancellationRequested();
        if (nextToConsume != batchCount)
        {
            throw new InvalidOperationException($"batch scheduler stopped after {nextToConsume} of {batchCount} batches");
        }
    }
}
