using System.Buffers.Binary;
using System.IO.Compression;

namespace Backtest.Reports.Tests.Browser;

/// <summary>
/// A minimal PNG decoder for the browser test's screenshots (PNG specification, ISO/IEC 15948):
/// 8-bit greyscale, RGB or RGBA, not interlaced, all five scanline filters. Enough to measure
/// whether a page is blank; anything else is refused.
/// </summary>
internal sealed class PngImage
{
    private PngImage(int width, int height, byte[] rgb)
    {
        Width = width;
        Height = height;
        Rgb = rgb;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Pixels as R, G, B bytes, row by row.</summary>
    public byte[] Rgb { get; }

    public static PngImage Decode(byte[] file)
    {
        ReadOnlySpan<byte> signature = [137, 80, 78, 71, 13, 10, 26, 10];
        if (file.Length < 8 || !file.AsSpan(0, 8).SequenceEqual(signature))
        {
            throw new InvalidDataException("not a PNG file");
        }

        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        for (int pos = 8; pos + 8 <= file.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(file, pos + 4, 4);
            var data = file.AsSpan(pos + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    byte depth = data[8], colorType = data[9], interlace = data[12];
                    channels = colorType switch { 0 => 1, 2 => 3, 6 => 4, _ => 0 };
                    if (depth != 8 || channels == 0 || interlace != 0)
                    {
                        throw new InvalidDataException($"unsupported PNG: depth {depth}, colour type {colorType}, interlace {interlace}");
                    }

                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
            }

            pos += 12 + length;
        }

        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionMode.Decompress))
        {
            z.CopyTo(inflated);
        }

        var raw = inflated.ToArray();
        int stride = width * channels;
        var current = new byte[stride];
        var previous = new byte[stride];
        var rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            int offset = y * (stride + 1);
            byte filter = raw[offset];
            raw.AsSpan(offset + 1, stride).CopyTo(current);
            for (int i = 0; i < stride; i++)
            {
                int a = i >= channels ? current[i - channels] : 0;
                int b = previous[i];
                int c = i >= channels ? previous[i - channels] : 0;
                current[i] = filter switch
                {
                    0 => current[i],
                    1 => (byte)(current[i] + a),
                    2 => (byte)(current[i] + b),
                    3 => (byte)(current[i] + ((a + b) / 2)),
                    4 => (byte)(current[i] + Paeth(a, b, c)),
                    _ => throw new InvalidDataException($"unknown PNG filter {filter} on row {y}"),
                };
            }

            for (int x = 0; x < width; x++)
            {
                for (int k = 0; k < 3; k++)
                {
                    rgb[(((y * width) + x) * 3) + k] = current[(x * channels) + (channels == 1 ? 0 : k)];
                }
            }

            (current, previous) = (previous, current);
        }

        return new PngImage(width, height, rgb);
    }

    /// <summary>Variance of the pixels' luminance (0 for a uniform image).</summary>
    public double LuminanceVariance()
    {
        double sum = 0, sumSquares = 0;
        int n = Width * Height;
        for (int i = 0; i < n; i++)
        {
            double l = (0.2126 * Rgb[i * 3]) + (0.7152 * Rgb[(i * 3) + 1]) + (0.0722 * Rgb[(i * 3) + 2]);
            sum += l;
            sumSquares += l * l;
        }

        double mean = sum / n;
        return (sumSquares / n) - (mean * mean);
    }

    /// <summary>Share of pixels that differ from the most common colour (the background).</summary>
    public double InkShare()
    {
        var counts = new Dictionary<int, int>();
        int n = Width * Height;
        for (int i = 0; i < n; i++)
        {
            int key = (Rgb[i * 3] << 16) | (Rgb[(i * 3) + 1] << 8) | Rgb[(i * 3) + 2];
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        return 1 - (counts.Values.Max() / (double)n);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
