namespace Backtest.Protocols.Saffron;

/// <summary>Saffron's tranches: S fills in the capital the others need, AA is low risk, A high risk.</summary>
public enum SaffronTranche
{
    S = 0,
    AA = 1,
    A = 2,
}

/// <summary>
/// How S capital consumed by a pairing is split between its utilized (deployed to the lending
/// platform) and unutilized (still in the pool) parts, once the utilized part is used up.
/// </summary>
public enum ConsumptionSplit
{
    /// <summary>The v1 contract: the unutilized part is consumed − utilized part.</summary>
    Contract,

    /// <summary>
    /// The 2020 Python simulation (simulation/tranche_rebalancing_algorithm.py): the unutilized
    /// part is min(consumed, unutilized available), which over-books virtual balances when
    /// both parts are used. Kept only to reproduce that simulation's published cases.
    /// </summary>
    PythonSimulation,
}

/// <summary>
/// The pool's capital in raw units (e.g. DAI wei): utilized and unutilized balances per tranche,
/// and S's virtual balances, the S capital consumed on behalf of AA (for A deposits) or of A
/// (for AA deposits), again split utilized / unutilized.
/// </summary>
public readonly record struct SaffronBalances(
    Int128 SUtilized,
    Int128 SUnutilized,
    Int128 AAUtilized,
    Int128 AAUnutilized,
    Int128 AUtilized,
    Int128 AUnutilized,
    Int128 VirtualAAUtilized,
    Int128 VirtualAUtilized,
    Int128 VirtualAAUnutilized,
    Int128 VirtualAUnutilized)
{
    /// <summary>S utilized capital not yet backing a pairing: max(0, S_u − (vAA_u + vA_u)).</summary>
    public Int128 AvailableUtilized => Int128.Max(0, SUtilized - (VirtualAAUtilized + VirtualAUtilized));

    /// <summary>S unutilized capital not yet backing a pairing: max(0, S_un − (vAA_un + vA_un)).</summary>
    public Int128 AvailableUnutilized => Int128.Max(0, SUnutilized - (VirtualAAUnutilized + VirtualAUnutilized));

    /// <summary>All capital in the pool (virtual balances are S capital, not extra).</summary>
    public Int128 Total => SUtilized + SUnutilized + AAUtilized + AAUnutilized + AUtilized + AUnutilized;
}

/// <summary>What one <c>add_liquidity</c> did.</summary>
/// <param name="AvailableUtilized">S utilized capital free before the deposit.</param>
/// <param name="AvailableUnutilized">S unutilized capital free before the deposit.</param>
/// <param name="Capacity">Most the tranche could take (0 for S, which has no limit).</param>
/// <param name="Deposit">Amount accepted, min(amount, capacity) for AA and A.</param>
/// <param name="Change">Remainder returned to the depositor.</param>
/// <param name="Consumed">S capital consumed to pair the deposit.</param>
/// <param name="UtilizedConsumed">Part of it taken from S's utilized capital (first).</param>
/// <param name="UnutilizedConsumed">Part of it taken from S's unutilized capital.</param>
public readonly record struct BalancingResult(
    Int128 AvailableUtilized,
    Int128 AvailableUnutilized,
    Int128 Capacity,
    Int128 Deposit,
    Int128 Change,
    Int128 Consumed,
    Int128 UtilizedConsumed,
    Int128 UnutilizedConsumed);

/// <summary>
/// Saffron's tranche balancing (the 2020-11-10 note, the v1 <c>add_liquidity</c>): the pairing
/// A = AA / m. An A deposit of x consumes m·x of free S capital (S's virtual AA balance); an AA
/// deposit of y consumes ⌈y/m⌉ (S's virtual A balance). Capacity is what free S capital can
/// pair: ⌊free/m⌋ for A, free·m for AA; the rest of the amount is returned. Consumption takes
/// S's utilized capital first. S deposits are unpaired and unlimited.
/// </summary>
public static class SaffronBalancing
{
    /// <summary>
    /// Adds <paramref name="amount"/> to <paramref name="tranche"/> and returns the new balances.
    /// The AA consumption ⌈y/m⌉ rounds up so an AA deposit is never less than fully paired
    /// (the v1 contract has no AA path; the simulation used floats).
    /// </summary>
    public static (SaffronBalances After, BalancingResult Result) AddLiquidity(
        SaffronBalances b, SaffronTranche tranche, Int128 amount, int multiplier, ConsumptionSplit split)
    {
        if (amount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "amounts are non-negative");
        }

        if (multiplier <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(multiplier), multiplier, "the A multiplier must be positive");
        }

        Int128 freeU = b.AvailableUtilized, freeUn = b.AvailableUnutilized;
        if (tranche == SaffronTranche.S)
        {
            return (b with { SUnutilized = b.SUnutilized + amount }, new BalancingResult(freeU, freeUn, 0, amount, 0, 0, 0, 0));
        }

        Int128 capacity, deposit, consumed;
        if (tranche == SaffronTranche.A)
        {
            capacity = (freeU + freeUn) / multiplier;
            deposit = Int128.Min(amount, capacity);
            consumed = deposit * multiplier;
        }
        else
        {
            capacity = (freeU + freeUn) * multiplier;
            deposit = Int128.Min(amount, capacity);
            consumed = (deposit + multiplier - 1) / multiplier;
        }

        Int128 fromUtilized = Int128.Min(consumed, freeU);
        Int128 fromUnutilized = consumed <= freeU ? 0
            : split == ConsumptionSplit.Contract ? consumed - fromUtilized
            : Int128.Min(consumed, freeUn);
        var after = tranche == SaffronTranche.A
            ? b with
            {
                VirtualAAUtilized = b.VirtualAAUtilized + fromUtilized,
                VirtualAAUnutilized = b.VirtualAAUnutilized + fromUnutilized,
                AUnutilized = b.AUnutilized + deposit,
            }
            : b with
            {
                VirtualAUtilized = b.VirtualAUtilized + fromUtilized,
                VirtualAUnutilized = b.VirtualAUnutilized + fromUnutilized,
                AAUnutilized = b.AAUnutilized + deposit,
            };
        return (after, new BalancingResult(freeU, freeUn, capacity, deposit, amount - deposit, consumed, fromUtilized, fromUnutilized));
    }

    /// <summary>
    /// The strategy deploys every unutilized balance to the lending platform (<c>hourly_strategy</c>):
    /// unutilized capital and S's unutilized virtual balances become utilized.
    /// </summary>
    public static SaffronBalances DeployAll(SaffronBalances b) => new(
        b.SUtilized + b.SUnutilized, 0,
        b.AAUtilized + b.AAUnutilized, 0,
        b.AUtilized + b.AUnutilized, 0,
        b.VirtualAAUtilized + b.VirtualAAUnutilized,
        b.VirtualAUtilized + b.VirtualAUnutilized,
        0, 0);
}
