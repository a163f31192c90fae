namespace Backtest.Protocols.Waterfall;

/// <summary>
/// The six tranches of seed 003, numbered by seniority: 1 is the ultra-senior SURE-BTC (paid
/// premiums first, absorbs losses last), 6 the equity SURE-EQT (paid last, absorbs first).
/// </summary>
public enum Tranche
{
    SureBtc = 1,
    SureSnr = 2,
    SureMezz = 3,
    SureJnr = 4,
    SureJnrPlus = 5,
    SureEqt = 6,
}

/// <summary>Names and ordering of the tranches.</summary>
public static class Tranches
{
    /// <summary>Number of tranches.</summary>
    public const int Count = 6;

    /// <summary>Senior first: the order of the premium waterfall.</summary>
    public static IReadOnlyList<Tranche> SeniorFirst { get; } =
        [Tranche.SureBtc, Tranche.SureSnr, Tranche.SureMezz, Tranche.SureJnr, Tranche.SureJnrPlus, Tranche.SureEqt];

    /// <summary>The token name seed 003 gives the tranche, e.g. "SURE-JNR+".</summary>
    public static string Name(Tranche tranche) => tranche switch
    {
        Tranche.SureBtc => "SURE-BTC",
        Tranche.SureSnr => "SURE-SNR",
        Tranche.SureMezz => "SURE-MEZZ",
        Tranche.SureJnr => "SURE-JNR",
        Tranche.SureJnrPlus => "SURE-JNR+",
        Tranche.SureEqt => "SURE-EQT",
        _ => throw new ArgumentOutOfRangeException(nameof(tranche), tranche, "tranche ids run from 1 to 6"),
    };

    /// <summary>Zero-based index (tier 1 → 0) for arrays ordered senior first.</summary>
    public static int Index(Tranche tranche) => (int)tranche - 1;

    /// <summary>Whether an integer is a tranche id (1–6).</summary>
    public static bool IsValid(Tranche tranche) => tranche is >= Tranche.SureBtc and <= Tranche.SureEqt;
}
