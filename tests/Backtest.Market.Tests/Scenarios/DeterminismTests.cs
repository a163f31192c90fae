using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Backtest.Market.Scenarios;
using Backtest.Numerics.Random;

namespace Backtest.Market.Tests.Scenarios;

/// <summary>
/// A path is a function of (key, path, step) alone: the same whatever batch holds it, and the
/// same bits whatever SIMD tier runs (the pinned hashes are checked again in the run with
/// <c>DOTNET_EnableHWIntrinsic=0</c>).
/// </summary>
public class DeterminismTests
{
    private const int Horizon = 120;

    public static TheoryData<string> Models => ["bootstrap", "jump-diffusion", "regimes"];

    internal static MonteCarloMarketScenario Scenario(string model, ulong seed = 7)
    {
        IAmplDeviationModel ampl = model switch
        {
            "bootstrap" => new StationaryBootstrapModel(ScenarioTestData.History.Transitions, new BootstrapOptions()),
            "jump-diffusion" => new JumpDiffusionModel(new JumpDiffusionOptions()),
            "regimes" => new RegimeSwitchingModel(new RegimeSwitchingOptions()),
            _ => throw new ArgumentException(model),
        };

        // Frequent, dispersed shocks so the USDC draws are all exercised within a short horizon.
        var usdc = new UsdcDepegModel(new UsdcDepegOptions { ShocksPerYear = 12, DepthDispersion = 0.5, DurationDispersion = 0.3, ShockAtStep = 10, BaselineVolatility = CalibratedParameters.UsdcBaselineVolatility });
        return new MonteCarloMarketScenario(RandomStream.Create(seed, 3, 1), ampl, usdc, new MonteCarloOptions { Horizon = Horizon, StartDate = new DateOnly(2026, 1, 1), StartLogDeviation = 0.1 });
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void APathIsTheSameWhateverBatchHoldsIt(string model)
    {
        var scenario = Scenario(model);
        const int Paths = 600;
        var whole = scenario.CreateBatch(Paths);
        scenario.Fill(1000, Paths, whole);
        var expected = ScenarioTestData.Copy(whole);

        foreach (int size in new[] { 1, 7, 256, 257, 300 })
        {
            var batch = scenario.CreateBatch(size + 3);
            for (int first = 0; first < Paths; first += size)
            {
                int count = Math.Min(size, Paths - first);
                scenario.Fill(1000 + first, count, batch);
                for (int step = 0; step < Horizon; step++)
                {
                    for (int i = 0; i < count; i++)
                    {
                        int at = (step * Paths) + first + i;
                        Assert.Equal(expected.Ampl[at], batch.AmplPrice(step)[i]);
                        Assert.Equal(expected.Target[at], batch.AmplTarget(step)[i]);
                        Assert.Equal(expected.Usdc[at], batch.UsdcPrice(step)[i]);
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData("bootstrap", "ceea598d4a9f713e")]
    [InlineData("jump-diffusion", "1586c7d87f93fcca")]
    [InlineData("regimes", "ed2620e5aed72e64")]
    public void TheBitsArePinned(string model, string expectedHash)
    {
        var scenario = Scenario(model);
        var batch = scenario.CreateBatch(300);
        scenario.Fill((1L << 40) - 17, 300, batch);
        var (ampl, target, usdc) = ScenarioTestData.Copy(batch);
        using var sha = SHA256.Create();
        foreach (var values in new[] { ampl, target, usdc })
        {
            var bytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
            sha.TransformBlock(bytes, 0, bytes.Length, null, 0);
        }

        sha.TransformFinalBlock([], 0, 0);
        Assert.Equal(expectedHash, Convert.ToHexStringLower(sha.Hash!)[..16]);
    }

    [Fact]
    public void DifferentKeysGiveDifferentPathsAndTheSameKeyTheSame()
    {
        var a = Scenario("regimes", seed: 1);
        var b = Scenario("regimes", seed: 2);
        var batchA = a.CreateBatch(8);
        var batchB = b.CreateBatch(8);
        a.Fill(0, 8, batchA);
        b.Fill(0, 8, batchB);
        Assert.NotEqual(batchA.AmplPrice(50).ToArray(), batchB.AmplPrice(50).ToArray());
        var again = Scenario("regimes", seed: 1);
        var batchC = again.CreateBatch(8);
        again.Fill(0, 8, batchC);
        Assert.Equal(batchA.AmplPrice(50).ToArray(), batchC.AmplPrice(50).ToArray());
    }
}
