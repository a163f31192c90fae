using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Backtest.IO.Parquet.Format;

/// <summary>
/// Min, max, null and NaN counts of one column chunk, in the order parquet.thrift's ColumnOrder
/// TYPE_ORDER defines: signed for integers, dates, timestamps and decimals; numeric for doubles
/// with NaN left out (and counted), a zero minimum written as −0.0 and a zero maximum as +0.0;
/// false before true; unsigned byte-wise for UTF-8 strings. The deprecated <c>min</c>/<c>max</c>
/// fields (signed comparison) are written where that order is the same — every type but strings.
/// </summary>
internal sealed class ColumnStatistics(ParquetType type)
{
    /// <summary>Longer string bounds are left out rather than stored in every footer.</summary>
    private const int MaxStringBoundBytes = 64;

    private long _minInteger;
    private long _maxInteger;
    private double _minDouble;
    private double _maxDouble;
    private long _nanCount;
    private bool _any;
    private byte[]? _minBytes;
    private byte[]? _maxBytes;

    public void Reset()
    {
        _any = false;
        _nanCount = 0;
        _minBytes = null;
        _maxBytes = null;
    }

    public void Update<T>(ReadOnlySpan<T> values)
        where T : unmanaged
    {
        if (values.IsEmpty)
        {
            return;
        }

        if (typeof(T) == typeof(long))
        {
            UpdateIntegers(MemoryMarshal.Cast<T, long>(values));
        }
        else if (typeof(T) == typeof(int))
        {
            UpdateIntegers(MemoryMarshal.Cast<T, int>(values));
        }
        else if (typeof(T) == typeof(double))
        {
            UpdateDoubles(MemoryMarshal.Cast<T, double>(values));
        }
        else if (typeof(T) == typeof(bool))
        {
            var flags = MemoryMarshal.Cast<T, bool>(values);
            UpdateIntegers(flags.Contains(false) ? 0 : 1, flags.Contains(true) ? 1 : 0);
        }
    }

    public void UpdateBytes(ReadOnlySpan<byte> utf8)
    {
        if (_minBytes is null || utf8.SequenceCompareTo(_minBytes) < 0)
        {
            _minBytes = utf8.ToArray();
        }

        if (_maxBytes is null || utf8.SequenceCompareTo(_maxBytes) > 0)
        {
            _maxBytes = utf8.ToArray();
        }
    }

    public StatisticsModel ToModel(long nullCount)
    {
        var model = new StatisticsModel { NullCount = nullCount };
        switch (type)
        {
            case ParquetType.Double:
                model.NanCount = _nanCount;
                if (_any)
                {
                    double min = _minDouble == 0 ? -0.0 : _minDouble;
                    double max = _maxDouble == 0 ? 0.0 : _maxDouble;
                    SetBoth(model, Bytes(BitConverter.DoubleToInt64Bits(min), 8), Bytes(BitConverter.DoubleToInt64Bits(max), 8));
                }

                break;
            case ParquetType.String:
                if (_minBytes is not null && _maxBytes is not null && _minBytes.Length <= MaxStringBoundBytes && _maxBytes.Length <= MaxStringBoundBytes)
                {
                    model.MinValue = _minBytes;
                    model.MaxValue = _maxBytes;
                }

                break;
            default:
                if (_any)
                {
                    int width = type switch
                    {
                        ParquetType.Boolean => 1,
                        ParquetType.Int32 or ParquetType.Date => 4,
                        _ => 8,
                    };
                    SetBoth(model, Bytes(_minInteger, width), Bytes(_maxInteger, width));
                }

                break;
        }

        return model;
    }

    private static void SetBoth(StatisticsModel model, byte[] min, byte[] max)
    {
        model.MinValue = min;
        model.MaxValue = max;
        model.Min = min;
        model.Max = max;
    }

    private static byte[] Bytes(long value, int width)
    {
        var bytes = new byte[width];
        Span<byte> all = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(all, value);
        all[..width].CopyTo(bytes);
        return bytes;
    }

    private void UpdateIntegers<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IComparable<T>, System.Numerics.IBinaryInteger<T>
    {
        T min = values[0], max = values[0];
        foreach (var v in values)
        {
            if (v < min)
            {
                min = v;
            }

            if (v > max)
            {
                max = v;
            }
        }

        UpdateIntegers(long.CreateTruncating(min), long.CreateTruncating(max));
    }

    private void UpdateIntegers(long min, long max)
    {
        if (!_any)
        {
            _minInteger = min;
            _maxInteger = max;
            _any = true;
            return;
        }

        _minInteger = Math.Min(_minInteger, min);
        _maxInteger = Math.Max(_maxInteger, max);
    }

    private void UpdateDoubles(ReadOnlySpan<double> values)
    {
        foreach (double v in values)
        {
            if (double.IsNaN(v))
            {
                _nanCount++;
                continue;
            }

            if (!_any)
            {
                _minDouble = v;
                _maxDouble = v;
                _any = true;
                continue;
            }

            if (v < _minDouble)
            {
                _minDouble = v;
            }

            if (v > _maxDouble)
            {
                _maxDouble = v;
            }
        }
    }
}
