using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Backtest.Numerics.Simd;

namespace Backtest.Numerics.Random;

/// <summary>
/// The random numbers of one run: a Philox4x32-10 key, and the rule that turns (path, step,
/// draw) into a counter. A value depends only on the key and those three indices, never on the
/// thread, batch or shard that asks for it, so results reproduce however the work is split.
/// <para><b>Key.</b> For (seed, scenario, parameter set), with SplitMix64's finaliser
/// <c>mix(z) = z₃</c> where z₁ = (z ⊕ z≫30)·0xBF58476D1CE4E5B9, z₂ = (z₁ ⊕ z₁≫27)·0x94D049BB133111EB,
/// z₃ = z₂ ⊕ z₂≫31 (Steele, Lea and Flood, OOPSLA 2014), all mod 2⁶⁴:
/// K = mix(mix(seed + 0x9E3779B97F4A7C15) ⊕ (scenario · 2³² + parameterSet)), the two ints taken
/// as their 32-bit two's-complement patterns; key word 0 = K mod 2³², key word 1 = K ≫ 32. For a
/// fixed seed the map from (scenario, parameter set) to K is a bijection, so no two runs of a
/// study share a key.</para>
/// <para><b>Counter.</b> word 0 = draw, word 1 = step, word 2 = path bits 0–31, word 3 = path
/// bits 32–47 in its low 16 bits and the continuation index in its high 16 bits. Paths lie in
/// [0, 2⁴⁸), steps and draws in [0, 2³¹). Continuation 0 is the block for (path, step, draw);
/// samplers that need more than one block for one variate (rejection methods) read continuations
/// 1, 2, … of the same draw, so they never touch another draw's numbers.</para>
/// <para><b>Uniforms.</b> A block gives two 53-bit uniforms in [0, 1): the first from words 0 and
/// 1, the second from words 2 and 3 (<see cref="PhiloxBlock.First"/>). Single-variate methods use
/// the first; pair methods use both.</para>
/// </summary>
public readonly struct RandomStream : IEquatable<RandomStream>
{
    /// <summary>Largest path index a counter can hold (2⁴⁸ − 1).</summary>
    public const long MaxPath = (1L << 48) - 1;

    /// <summary>Largest continuation index (2¹⁶ − 1).</summary>
    public const int MaxContinuation = 0xFFFF;

    /// <summary>Lanes generated per pass of the span methods (words are staged on the stack).</summary>
    private const int Chunk = 256;

    /// <summary>A stream with an explicit Philox key.</summary>
    public RandomStream(uint key0, uint key1)
    {
        Key0 = key0;
        Key1 = key1;
    }

    /// <summary>Key word 0.</summary>
    public uint Key0 { get; }

    /// <summary>Key word 1.</summary>
    public uint Key1 { get; }

    /// <summary>The stream of one run, keyed from (seed, scenario, parameter set) as the type documents.</summary>
    public static RandomStream Create(ulong seed, int scenario, int parameterSet)
    {
        ulong run = ((ulong)(uint)scenario << 32) | (uint)parameterSet;
        ulong key = SplitMix64(SplitMix64(unchecked(seed + 0x9E37_79B9_7F4A_7C15UL)) ^ run);
        return new RandomStream((uint)key, (uint)(key >> 32));
    }

    /// <summary>SplitMix64's output finaliser (a bijection on 64-bit words).</summary>
    public static ulong SplitMix64(ulong z)
    {
        unchecked
        {
            z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>The block (four words) for (path, step, draw): continuation 0.</summary>
    public PhiloxBlock Block(long path, int step, int draw) => Block(path, step, draw, 0);

    /// <summary>Continuation block <paramref name="continuation"/> of (path, step, draw).</summary>
    public PhiloxBlock Block(long path, int step, int draw, int continuation)
    {
        CheckPath(path, 1);
        CheckIndices(step, draw);
        if ((uint)continuation > MaxContinuation)
        {
            throw new ArgumentOutOfRangeException(nameof(continuation), continuation, $"continuation must lie in [0, {MaxContinuation}]");
        }

        return Philox4x32.Compute((uint)draw, (uint)step, (uint)path, HighCounterWord(path, continuation), Key0, Key1);
    }

    /// <summary>The first uniform in [0, 1) of (path, step, draw) (see <see cref="PhiloxBlock.First"/>).</summary>
    public double Uniform(long path, int step, int draw) => Block(path, step, draw).First;

    /// <summary>
    /// The blocks of paths firstPath, firstPath + 1, … (one per element of the word spans, which
    /// must have equal lengths) at (step, draw), continuation 0, in structure-of-arrays form:
    /// wordN[i] is word N of path firstPath + i. Vectorised; identical to <see cref="Block(long, int, int)"/> per path.
    /// </summary>
    public void FillBlocks(long firstPath, int step, int draw, Span<uint> word0, Span<uint> word1, Span<uint> word2, Span<uint> word3)
    {
        if (word1.Length != word0.Length || word2.Length != word0.Length || word3.Length != word0.Length)
        {
            throw new ArgumentException("the four word spans must have equal lengths");
        }

        CheckPath(firstPath, word0.Length);
        CheckIndices(step, draw);
        switch (SimdTiers.Widest)
        {
            case SimdTier.Vector512:
                FillBlocks<Width512, Vector512<long>, Vector512<double>>(firstPath, step, draw, word0, word1, word2, word3);
                break;
            case SimdTier.Vector256:
                FillBlocks<Width256, Vector256<long>, Vector256<double>>(firstPath, step, draw, word0, word1, word2, word3);
                break;
            case SimdTier.Vector128:
                FillBlocks<Width128, Vector128<long>, Vector128<double>>(firstPath, step, draw, word0, word1, word2, word3);
                break;
            default:
                FillBlocks<ScalarWidth, long, double>(firstPath, step, draw, word0, word1, word2, word3);
                break;
        }
    }

    /// <summary>
    /// The first uniforms of paths firstPath, firstPath + 1, … at (step, draw) into
    /// <paramref name="first"/>; vectorised, identical to <see cref="Uniform"/> per path.
    /// </summary>
    public void FillUniform(long firstPath, int step, int draw, Span<double> first) =>
        FillUniform(firstPath, step, draw, first, []);

    /// <summary>
    /// Both uniforms of each block: first[i] and second[i] come from the block of path
    /// firstPath + i at (step, draw). <paramref name="second"/> is either empty (not wanted) or as
    /// long as <paramref name="first"/>.
    /// </summary>
    public void FillUniform(long firstPath, int step, int draw, Span<double> first, Span<double> second)
    {
        if (!second.IsEmpty && second.Length != first.Length)
        {
            throw new ArgumentException($"second has {second.Length} elements, first {first.Length}; it must be empty or equally long", nameof(second));
        }

        CheckPath(firstPath, first.Length);
        CheckIndices(step, draw);
        switch (SimdTiers.Widest)
        {
            case SimdTier.Vector512:
                FillUniform<Width512, Vector512<long>, Vector512<double>>(firstPath, step, draw, first, second);
                break;
            case SimdTier.Vector256:
                FillUniform<Width256, Vector256<long>, Vector256<double>>(firstPath, step, draw, first, second);
                break;
            case SimdTier.Vector128:
                FillUniform<Width128, Vector128<long>, Vector128<double>>(firstPath, step, draw, first, second);
                break;
            default:
                FillUniform<ScalarWidth, long, double>(firstPath, step, draw, first, second);
                break;
        }
    }

    /// <inheritdoc />
    public bool Equals(RandomStream other) => Key0 == other.Key0 && Key1 == other.Key1;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is RandomStream other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Key0, Key1);

    /// <inheritdoc />
    public override string ToString() => $"Philox4x32-10 key ({Key0:x8}, {Key1:x8})";

    public static bool operator ==(RandomStream left, RandomStream right) => left.Equals(right);

    public static bool operator !=(RandomStream left, RandomStream right) => !left.Equals(right);

    /// <summary><see cref="FillBlocks(long, int, int, Span{uint}, Span{uint}, Span{uint}, Span{uint})"/> on one tier (arguments already checked).</summary>
    internal void FillBlocks<TW, TL, TD>(long firstPath, int step, int draw, Span<uint> word0, Span<uint> word1, Span<uint> word2, Span<uint> word3)
        where TW : IVectorWidth<TL, TD>
        where TL : struct
        where TD : struct
    {
        ref uint out0 = ref MemoryMarshal.GetReference(word0);
        ref uint out1 = ref MemoryMarshal.GetReference(word1);
        ref uint out2 = ref MemoryMarshal.GetReference(word2);
        ref uint out3 = ref MemoryMarshal.GetReference(word3);
        int count = word0.Length;
        int i = 0;
        if (TW.WordCount > 1)
        {
            for (; i + TW.WordCount <= count; i += TW.WordCount)
            {
                long path = firstPath + i;

                // A vector whose low path words would wrap past 2^32 is done lane by lane, which
                // carries into word 3 (at most once every 2^32 paths).
                if ((uint)path > uint.MaxValue - (uint)(TW.WordCount - 1))
                {
                    FillBlocksScalar(firstPath, step, draw, i, TW.WordCount, ref out0, ref out1, ref out2, ref out3);
                    continue;
                }

                TL c0 = TW.BroadcastWord((uint)draw);
                TL c1 = TW.BroadcastWord((uint)step);
                TL c2 = TW.WordSequence((uint)path);
                TL c3 = TW.BroadcastWord(HighCounterWord(path, 0));
                Philox4x32.Permute<TW, TL, TD>(ref c0, ref c1, ref c2, ref c3, Key0, Key1);
                TW.StoreWords(c0, ref out0, (nuint)i);
                TW.StoreWords(c1, ref out1, (nuint)i);
                TW.StoreWords(c2, ref out2, (nuint)i);
                TW.StoreWords(c3, ref out3, (nuint)i);
            }
        }

        FillBlocksScalar(firstPath, step, draw, i, count - i, ref out0, ref out1, ref out2, ref out3);
    }

    /// <summary><see cref="FillUniform(long, int, int, Span{double}, Span{double})"/> on one tier (arguments already checked).</summary>
    internal void FillUniform<TW, TL, TD>(long firstPath, int step, int draw, Span<double> first, Span<double> second)
        where TW : IVectorWidth<TL, TD>
        where TL : struct
        where TD : struct
    {
        Span<uint> words = stackalloc uint[4 * Chunk];
        for (int offset = 0; offset < first.Length; offset += Chunk)
        {
            int length = Math.Min(Chunk, first.Length - offset);
            Span<uint> w0 = words.Slice(0, length);
            Span<uint> w1 = words.Slice(Chunk, length);
            Span<uint> w2 = words.Slice(2 * Chunk, length);
            Span<uint> w3 = words.Slice(3 * Chunk, length);
            FillBlocks<TW, TL, TD>(firstPath + offset, step, draw, w0, w1, w2, w3);
            WordsToUniform<TW, TL, TD>(w0, w1, first.Slice(offset, length));
            if (!second.IsEmpty)
            {
                WordsToUniform<TW, TL, TD>(w2, w3, second.Slice(offset, length));
            }
        }
    }

    /// <summary>
    /// destination[i] = (high[i] · 2²¹ + ⌊low[i] / 2¹¹⌋) · 2⁻⁵³, formed exactly in every tier: the
    /// 53-bit integer is split into 27 and 26 bits, each converted exactly, and recombined without rounding.
    /// </summary>
    internal static void WordsToUniform<TW, TL, TD>(ReadOnlySpan<uint> high, ReadOnlySpan<uint> low, Span<double> destination)
        where TW : IVectorWidth<TL, TD>
        where TL : struct
        where TD : struct
    {
        ref uint h = ref MemoryMarshal.GetReference(high);
        ref uint l = ref MemoryMarshal.GetReference(low);
        ref long d = ref Unsafe.As<double, long>(ref MemoryMarshal.GetReference(destination));
        nuint count = (nuint)destination.Length;
        nuint i = 0;
        if (TW.Count > 1)
        {
            for (; i + (nuint)TW.Count <= count; i += (nuint)TW.Count)
            {
                TW.Store(TW.AsInt64(Uniform53<TW, TL, TD>(TW.LoadWidenedWords(in h, i), TW.LoadWidenedWords(in l, i))), ref d, i);
            }
        }

        for (; i < count; i++)
        {
            ScalarWidth.Store(
                ScalarWidth.AsInt64(Uniform53<ScalarWidth, long, double>(ScalarWidth.LoadWidenedWords(in h, i), ScalarWidth.LoadWidenedWords(in l, i))), ref d, i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TD Uniform53<TW, TL, TD>(TL high, TL low)
        where TW : IVectorWidth<TL, TD>
        where TL : struct
        where TD : struct
    {
        TL k = TW.Or(TW.ShiftLeft(high, 21), TW.ShiftRightLogical(low, 11));
        TD upper = DeterministicMath<TW, TL, TD>.Int52ToDouble(TW.ShiftRightLogical(k, 26));
        TD lower = DeterministicMath<TW, TL, TD>.Int52ToDouble(TW.And(k, TW.Broadcast((1L << 26) - 1)));
        return TW.AddDouble(TW.MultiplyDouble(upper, TW.BroadcastDouble(1.0 / 134217728.0)), TW.MultiplyDouble(lower, TW.BroadcastDouble(1.0 / 9007199254740992.0)));
    }

    private static uint HighCounterWord(long path, int continuation) => (uint)(path >> 32) | ((uint)continuation << 16);

    private static void CheckPath(long firstPath, int count)
    {
        if (firstPath < 0 || firstPath > MaxPath - Math.Max(count - 1, 0))
        {
            throw new ArgumentOutOfRangeException(nameof(firstPath), firstPath, $"paths must lie in [0, {MaxPath}] (first {firstPath}, count {count})");
        }
    }

    private static void CheckIndices(int step, int draw)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfNegative(draw);
    }

    private void FillBlocksScalar(long firstPath, int step, int draw, int start, int count, ref uint out0, ref uint out1, ref uint out2, ref uint out3)
    {
        for (int i = start; i < start + count; i++)
        {
            long path = firstPath + i;
            PhiloxBlock block = Philox4x32.Compute((uint)draw, (uint)step, (uint)path, HighCounterWord(path, 0), Key0, Key1);
            Unsafe.Add(ref out0, i) = block.Word0;
            Unsafe.Add(ref out1, i) = block.Word1;
            Unsafe.Add(ref out2, i) = block.Word2;
            Unsafe.Add(ref out3, i) = block.Word3;
        }
    }
}
