namespace Backtest.Protocols.Waterfall;

/// <summary>
/// Seed 003's six mathematical invariants, plus the accounting identities the vault's state
/// must satisfy, recomputed from raw state. An empty list means all hold.
/// </summary>
public static class WaterfallInvariants
{
    /// <summary>Every invariant that does not hold, each as a one-line description.</summary>
    public static IReadOnlyList<string> Violations(WaterfallVault vault)
    {
        ArgumentNullException.ThrowIfNull(vault);
        var found = new List<string>();
        var tranches = Tranches.SeniorFirst;

        // 1. Capital conservation: the stored total equals the tranches' sum, and the sum equals
        // what came in minus what went out.
        Int128 sum = 0;
        foreach (var t in tranches)
        {
            sum += vault.CapitalOf(t);
        }

        if (sum != vault.TotalCapital)
        {
            found.Add($"1 capital conservation: total_capital {vault.TotalCapital} != sum of tranches {sum}");
        }

        Int128 ledger = (Int128)vault.TotalDeposited - vault.TotalWithdrawn + vault.PremiumsDistributed - (vault.LossesClaimed - vault.Shortfall);
        if (ledger != vault.TotalCapital)
        {
            found.Add($"1 capital conservation: deposits - withdrawals + premiums - absorbed losses = {ledger} != total_capital {vault.TotalCapital}");
        }

        // 2. Loss ranges tile 0-100%.
        if (!WaterfallConfig.LossRangesTile(vault.Config.Tranches))
        {
            found.Add("2 loss absorption: the loss ranges do not sum to 100%");
        }

        // 3. Premiums distributed never exceed premiums collected; the rest is in the reserve.
        Int128 paid = 0;
        foreach (var t in tranches)
        {
            paid += vault.PremiumsPaidTo(t);
        }

        if (vault.PremiumsDistributed > vault.PremiumsCollected || paid != vault.PremiumsDistributed
            || (Int128)vault.PremiumsDistributed + vault.ProtocolReserve != vault.PremiumsCollected)
        {
            found.Add($"3 premium distribution: distributed {vault.PremiumsDistributed} (tranches {paid}) + reserve {vault.ProtocolReserve} vs collected {vault.PremiumsCollected}");
        }

        // 4. Overcollateralization, which only a loss can break, and a loss pauses the vault.
        if (!vault.Paused && vault.TotalCapital < vault.CoverageSold)
        {
            found.Add($"4 overcollateralization: unpaused with capital {vault.TotalCapital} < coverage sold {vault.CoverageSold}");
        }

        // 5. APY within [MIN, MAX] at the current utilization.
        long u = vault.Utilization;
        foreach (var t in tranches)
        {
            var table = vault.ApyTable(t);
            long apy = table.Evaluate(u);
            if (apy < table.LowerBound || apy > table.UpperBound)
            {
                found.Add($"5 APY bounds: {Tranches.Name(t)} APY {apy} outside [{table.LowerBound}, {table.UpperBound}] at U {u}");
            }
        }

        // 6. No negative balances; token lots add up to the supply; no capital without tokens.
        var lotSums = new Dictionary<Tranche, Int128>();
        foreach (var lot in vault.Lots)
        {
            lotSums[lot.Tranche] = lotSums.GetValueOrDefault(lot.Tranche) + lot.Tokens;
        }

        if (vault.Lots.Any(l => l.Tokens <= 0))
        {
            found.Add("6 no negative balances: an empty or negative token lot");
        }

        foreach (var t in tranches)
        {
            long capital = vault.CapitalOf(t), supply = vault.SupplyOf(t);
            if (capital < 0 || supply < 0)
            {
                found.Add($"6 no negative balances: {Tranches.Name(t)} capital {capital}, supply {supply}");
            }

            if (lotSums.GetValueOrDefault(t) != supply)
            {
                found.Add($"6 token accounting: {Tranches.Name(t)} lots hold {lotSums.GetValueOrDefault(t)} tokens, supply is {supply}");
            }

            if (supply == 0 && capital != 0)
            {
                found.Add($"6 token accounting: {Tranches.Name(t)} has capital {capital} and no tokens");
            }
        }

        if (vault.TotalCapital < 0 || vault.CoverageSold < 0 || vault.Shortfall < 0 || vault.ProtocolReserve < 0)
        {
            found.Add("6 no negative balances: a vault-level balance is negative");
        }

        return found;
    }
}
