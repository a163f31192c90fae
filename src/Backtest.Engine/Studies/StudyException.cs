namespace Backtest.Engine.Studies;

/// <summary>A study file that cannot be run: names the file, the line and the key at fault.</summary>
public sealed class StudyException(string message, string? file = null, int? line = null, string? key = null)
    : InputException(message, file, line, key);
