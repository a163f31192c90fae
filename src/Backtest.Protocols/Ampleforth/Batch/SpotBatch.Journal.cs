namespace Backtest.Protocols.Ampleforth.Batch;

public sealed partial class SpotBatch
{
    private readonly Journal _journal;

    /// <summary>
    /// The undo log of the transaction running in a lane: every write of an amount or a note
    /// balance records the old value, so a refusal anywhere in a contract call restores exactly
    /// what the call changed (as the EVM's revert does, and as the contract model's chain journal does).
    /// </summary>
    private sealed class Journal
    {
        private int[] _index = new int[256];
        private long[] _old = new long[256];
        private int[] _noteIndex = new int[32];
        private Int128[] _noteOld = new Int128[32];
        private int _count;
        private int _noteCount;

        public (int Amounts, int Notes) Mark => (_count, _noteCount);

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public void Record(int index, long old)
        {
            if (_count == _index.Length)
            {
                Array.Resize(ref _index, _count * 2);
                Array.Resize(ref _old, _count * 2);
            }

            _index[_count] = index;
            _old[_count++] = old;
        }

        public void RecordNote(int index, Int128 old)
        {
            if (_noteCount == _noteIndex.Length)
            {
                Array.Resize(ref _noteIndex, _noteCount * 2);
                Array.Resize(ref _noteOld, _noteCount * 2);
            }

            _noteIndex[_noteCount] = index;
            _noteOld[_noteCount++] = old;
        }

        /// <summary>Undoes every write since <paramref name="mark"/>, newest first.</summary>
        public void Undo((int Amounts, int Notes) mark, long[] amounts, Int128[] notes)
        {
            while (_count > mark.Amounts)
            {
                _count--;
                amounts[_index[_count]] = _old[_count];
            }

            while (_noteCount > mark.Notes)
            {
                _noteCount--;
                notes[_noteIndex[_noteCount]] = _noteOld[_noteCount];
            }
        }

        /// <summary>Forgets the log once the outermost transaction has committed.</summary>
        public void Commit((int Amounts, int Notes) mark)
        {
            if (mark == (0, 0))
            {
                _count = 0;
                _noteCount = 0;
            }
        }
    }

    /// <summary>A refusal raised deep inside arithmetic (an amount out of range, a division by zero): caught at the transaction boundary and undone like any other.</summary>
    private sealed class LaneFault(SpotOutcome outcome) : Exception(outcome.ToString())
    {
        public SpotOutcome Outcome { get; } = outcome;
    }
}
