using System.Runtime.CompilerServices;
using Backtest.Numerics.Simd;

namespace Backtest.Numerics.Random;

/// <summary>The four 32-bit output words of one Philox4x32-10 evaluation.</summary>
public readonly record struct PhiloxBlock(uint Word0, uint Word1, uint Word2, uint Word3)
{
    /// <summary>
    /// The first 53-bit uniform of the block, in [0, 1): (Word0 · 2²¹ + ⌊Word1 / 2¹¹⌋) · 2⁻⁵³.
    /// Every multiple of 2⁻⁵³ in [0, 1) is equally likely; the conversion is exact.
    /// </summary>
    public double First => Uniform53(Word0, Word1);

    /// <summary>The second 53-bit uniform, from Word2 and Word3 in the same way as <see cref="First"/>.</summary>
    public double Second => Uniform53(Word2, Word3);

    internal static double Uniform53(uint high, uint low) =>
        (((ulong)high << 21) | (low >> 11)) * (1.0 / 9007199254740992.0);
}

/// <summary>
/// The Philox4x32-10 counter-based generator (Salmon, Moraes, Dror, Shaw, "Parallel random
/// numbers: as easy as 1, 2, 3", SC 2011; constants as in Random123): a keyed bijection of a
/// 128-bit counter (four 32-bit words) under a 64-bit key (two words), ten rounds. Each round
/// multiplies counter words 0 and 2 by 0xD2511F53 and 0xCD9E8D57 into 64-bit products
/// (hi, lo) and sets (c0, c1, c2, c3) ← (hi₁ ⊕ c1 ⊕ k0, lo₁, hi₀ ⊕ c3 ⊕ k1, lo₀); the key is
/// bumped by (0x9E3779B9, 0xBB67AE85) between rounds. Integer arithmetic only, so every tier
/// (scalar, Vector128/256/512) produces the same words.
/// </summary>
public static class Philox4x32
{
    /// <summary>Round multiplier applied to counter word 0.</summary>
    public const uint Multiplier0 = 0xD251_1F53;

    /// <summary>Round multiplier applied to counter word 2.</summary>
    public const uint Multiplier1 = 0xCD9E_8D57;

    /// <summary>Weyl increment of key word 0 between rounds (golden ratio).</summary>
    public const uint KeyIncrement0 = 0x9E37_79B9;

    /// <summary>Weyl increment of key word 1 between rounds (√3 − 1).</summary>
    public const uint KeyIncrement1 = 0xBB67_AE85;

    /// <summary>Number of rounds (the "-10" of Philox4x32-10).</summary>
    public const int Rounds = 10;

    /// <summary>Philox4x32-10 of one counter under one key.</summary>
    public static PhiloxBlock Compute(uint counter0, uint counter1, uint counter2, uint counter3, uint key0, uint key1)
    {
        long c0 = ScalarWidth.BroadcastWord(counter0);
        long c1 = ScalarWidth.BroadcastWord(counter1);
        long c2 = ScalarWidth.BroadcastWord(counter2);
        long c3 = ScalarWidth.BroadcastWord(counter3);
        Permute<ScalarWidth, long, double>(ref c0, ref c1, ref c2, ref c3, key0, key1);
        return new PhiloxBlock((uint)c0, (uint)c1, (uint)c2, (uint)c3);
    }

    /// <summary>The ten rounds on the 32-bit words of any width, one counter per word; the one definition every tier runs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Permute<TW, TL, TD>(ref TL c0, ref TL c1, ref TL c2, ref TL c3, uint key0, uint key1)
        where TW : IVectorWidth<TL, TD>
        where TL : struct
        where TD : struct
    {
        for (int round = 0; round < Rounds; round++)
        {
            TW.MultiplyWords(c0, Multiplier0, out TL high0, out TL low0);
            TW.MultiplyWords(c2, Multiplier1, out TL high1, out TL low1);
            c0 = TW.Xor(TW.Xor(high1, c1), TW.BroadcastWord(key0));
            c1 = low1;
            c2 = TW.Xor(TW.Xor(high0, c3), TW.BroadcastWord(key1));
            c3 = low0;
            key0 = unchecked(key0 + KeyIncrement0);
            key1 = unchecked(key1 + KeyIncrement1);
        }
    }
}
