namespace Backtest.Protocols.Ampleforth.Batch;

/// <summary>
/// One day's inputs for every lane of a batch, one array per input (see
/// <see cref="SpotLaneInput"/> for units and the order flows run in). Validity flags start true
/// and flows start at zero; a caller fills what it uses and may reuse the object day after day
/// (<see cref="ClearFlows"/>).
/// </summary>
public sealed class SpotDayInputs
{
    public SpotDayInputs(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Count = count;
        MarketRate = new Int128[count];
        TargetRate = new Int128[count];
        MarketValid = new bool[count];
        TargetValid = new bool[count];
        Array.Fill(MarketValid, true);
        Array.Fill(TargetValid, true);
        PerpRedeem = new long[count];
        VaultRedeem = new Int128[count];
        SwapPerpsForUnderlying = new long[count];
        SwapUnderlyingForPerps = new long[count];
        PerpMint = new long[count];
        VaultDeposit = new long[count];
    }

    public int Count { get; }

    /// <summary>AMPL market price, 18 decimals.</summary>
    public Int128[] MarketRate { get; }

    /// <summary>The target oracle's value, 18 decimals (the target rate itself, or an index the era divides by its base).</summary>
    public Int128[] TargetRate { get; }

    public bool[] MarketValid { get; }

    public bool[] TargetValid { get; }

    /// <summary>Perps the holder redeems (base units; 0 = none).</summary>
    public long[] PerpRedeem { get; }

    /// <summary>Notes the holder redeems (0 = none).</summary>
    public Int128[] VaultRedeem { get; }

    /// <summary>Perps the holder sells to the vault for AMPL.</summary>
    public long[] SwapPerpsForUnderlying { get; }

    /// <summary>AMPL the holder pays the vault for perps.</summary>
    public long[] SwapUnderlyingForPerps { get; }

    /// <summary>AMPL the holder tranches into the deposit bond to mint perps with the seniors.</summary>
    public long[] PerpMint { get; }

    /// <summary>AMPL the holder deposits into the vault.</summary>
    public long[] VaultDeposit { get; }

    /// <summary>Sets every flow to zero.</summary>
    public void ClearFlows()
    {
        Array.Clear(PerpRedeem);
        Array.Clear(VaultRedeem);
        Array.Clear(SwapPerpsForUnderlying);
        Array.Clear(SwapUnderlyingForPerps);
        Array.Clear(PerpMint);
        Array.Clear(VaultDeposit);
    }

    /// <summary>Writes one lane's inputs.</summary>
    public void Set(int lane, in SpotLaneInput input)
    {
        MarketRate[lane] = input.MarketRate;
        TargetRate[lane] = input.TargetRate;
        MarketValid[lane] = input.MarketValid;
        TargetValid[lane] = input.TargetValid;
        PerpRedeem[lane] = input.PerpRedeem;
        VaultRedeem[lane] = input.VaultRedeem;
        SwapPerpsForUnderlying[lane] = input.SwapPerpsForUnderlying;
        SwapUnderlyingForPerps[lane] = input.SwapUnderlyingForPerps;
        PerpMint[lane] = input.PerpMint;
        VaultDeposit[lane] = input.VaultDeposit;
    }

    /// <summary>One lane's inputs.</summary>
    public SpotLaneInput Lane(int lane) => new(
        MarketRate[lane],
        TargetRate[lane],
        MarketValid[lane],
        TargetValid[lane],
        PerpRedeem[lane],
        VaultRedeem[lane],
        SwapPerpsForUnderlying[lane],
        SwapUnderlyingForPerps[lane],
        PerpMint[lane],
        VaultDeposit[lane]);
}

/// <summary>One holder flow's results for every lane (see <see cref="SpotFlowResult"/>).</summary>
public sealed class SpotFlowOutputs
{
    internal SpotFlowOutputs(int count)
    {
        Outcome = new SpotOutcome[count];
        FeePerc = new long[count];
        Out = new Int128[count];
        TranchesOut = new long[count];
    }

    public SpotOutcome[] Outcome { get; }

    public long[] FeePerc { get; }

    public Int128[] Out { get; }

    public long[] TranchesOut { get; }

    public SpotFlowResult Lane(int lane) => new(Outcome[lane], FeePerc[lane], Out[lane], TranchesOut[lane]);

    internal void Set(int lane, SpotOutcome outcome, long feePerc, Int128 amount, long tranches)
    {
        bool ok = outcome == SpotOutcome.Ok;
        Outcome[lane] = outcome;
        FeePerc[lane] = ok ? feePerc : 0;
        Out[lane] = ok ? amount : 0;
        TranchesOut[lane] = ok ? tranches : 0;
    }
}

/// <summary>
/// One day's results for every lane, one array per result (the fields of <see cref="SpotLaneDay"/>).
/// <see cref="SpotBatch.Step"/> overwrites every element each day.
/// </summary>
public sealed class SpotDayOutputs
{
    public SpotDayOutputs(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Count = count;
        RebaseOutcome = new SpotOutcome[count];
        SupplyDelta = new long[count];
        AmplSupply = new long[count];
        UpdateStateOutcome = new SpotOutcome[count];
        PerpRedeem = new SpotFlowOutputs(count);
        VaultRedeem = new SpotFlowOutputs(count);
        SwapPerpsForUnderlying = new SpotFlowOutputs(count);
        SwapUnderlyingForPerps = new SpotFlowOutputs(count);
        PerpMint = new SpotFlowOutputs(count);
        VaultDeposit = new SpotFlowOutputs(count);
        RecoverOutcome = new SpotOutcome[count];
        HolderMaturityOutcome = new SpotOutcome[count];
        DeployOutcome = new SpotOutcome[count];
        RolloverDueValue = new long[count];
        RolloverLeftValue = new long[count];
        RebalanceOutcome = new SpotOutcome[count];
        FeesClaimed = new long[count];
        RebalanceAmount = new long[count];
        RebalancePerps = new long[count];
        ProtocolPerps = new long[count];
        ProtocolNotes = new Int128[count];
        PerpTvl = new long[count];
        PerpSupply = new long[count];
        VaultTvl = new long[count];
        NoteSupply = new Int128[count];
        DeviationRatio = new Int128[count];
        PerpAmpl = new long[count];
        VaultAmpl = new long[count];
        SeniorCoverage = new long[count];
    }

    public int Count { get; }

    public SpotOutcome[] RebaseOutcome { get; }

    public long[] SupplyDelta { get; }

    public long[] AmplSupply { get; }

    public SpotOutcome[] UpdateStateOutcome { get; }

    public SpotFlowOutputs PerpRedeem { get; }

    public SpotFlowOutputs VaultRedeem { get; }

    public SpotFlowOutputs SwapPerpsForUnderlying { get; }

    public SpotFlowOutputs SwapUnderlyingForPerps { get; }

    public SpotFlowOutputs PerpMint { get; }

    public SpotFlowOutputs VaultDeposit { get; }

    public SpotOutcome[] RecoverOutcome { get; }

    public SpotOutcome[] HolderMaturityOutcome { get; }

    public SpotOutcome[] DeployOutcome { get; }

    public long[] RolloverDueValue { get; }

    public long[] RolloverLeftValue { get; }

    public SpotOutcome[] RebalanceOutcome { get; }

    public long[] FeesClaimed { get; }

    public long[] RebalanceAmount { get; }

    public long[] RebalancePerps { get; }

    public long[] ProtocolPerps { get; }

    public Int128[] ProtocolNotes { get; }

    public long[] PerpTvl { get; }

    public long[] PerpSupply { get; }

    public long[] VaultTvl { get; }

    public Int128[] NoteSupply { get; }

    public Int128[] DeviationRatio { get; }

    public long[] PerpAmpl { get; }

    public long[] VaultAmpl { get; }

    public long[] SeniorCoverage { get; }

    /// <summary>One lane's results.</summary>
    public SpotLaneDay Lane(int lane) => new()
    {
        RebaseOutcome = RebaseOutcome[lane],
        SupplyDelta = SupplyDelta[lane],
        AmplSupply = AmplSupply[lane],
        UpdateStateOutcome = UpdateStateOutcome[lane],
        PerpRedeem = PerpRedeem.Lane(lane),
        VaultRedeem = VaultRedeem.Lane(lane),
        SwapPerpsForUnderlying = SwapPerpsForUnderlying.Lane(lane),
        SwapUnderlyingForPerps = SwapUnderlyingForPerps.Lane(lane),
        PerpMint = PerpMint.Lane(lane),
        VaultDeposit = VaultDeposit.Lane(lane),
        RecoverOutcome = RecoverOutcome[lane],
        HolderMaturityOutcome = HolderMaturityOutcome[lane],
        DeployOutcome = DeployOutcome[lane],
        RolloverDueValue = RolloverDueValue[lane],
        RolloverLeftValue = RolloverLeftValue[lane],
        RebalanceOutcome = RebalanceOutcome[lane],
        FeesClaimed = FeesClaimed[lane],
        RebalanceAmount = RebalanceAmount[lane],
        RebalancePerps = RebalancePerps[lane],
        ProtocolPerps = ProtocolPerps[lane],
        ProtocolNotes = ProtocolNotes[lane],
        PerpTvl = PerpTvl[lane],
        PerpSupply = PerpSupply[lane],
        VaultTvl = VaultTvl[lane],
        NoteSupply = NoteSupply[lane],
        DeviationRatio = DeviationRatio[lane],
        PerpAmpl = PerpAmpl[lane],
        VaultAmpl = VaultAmpl[lane],
        SeniorCoverage = SeniorCoverage[lane],
    };
}
