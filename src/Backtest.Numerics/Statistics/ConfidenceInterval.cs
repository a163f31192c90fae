namespace Backtest.Numerics.Statistics;

/// <summary>A two-sided interval [Lower, Upper] at a stated confidence level.</summary>
public readonly record struct ConfidenceInterval(double Lower, double Upper, double Confidence);
