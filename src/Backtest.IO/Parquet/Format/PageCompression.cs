using System.IO.Compression;

namespace Backtest.IO.Parquet.Format;

/// <summary>
/// Compresses and decompresses page bodies. Parquet feeds each page to the codec as it is,
/// without framing (parquet-format Compression.md): SNAPPY is the raw Snappy block format,
/// GZIP is RFC 1952 (one member written; several members accepted on reading).
/// </summary>
internal static class PageCompression
{
    /// <summary>
    /// Largest expansion a page may claim over its compressed size: Snappy's densest element
    /// (a 64-byte copy in 3 bytes) stays below 22×, deflate below 1032×. A page header claiming
    /// more is corrupt, and rejecting it keeps a bad length from sizing a huge buffer.
    /// </summary>
    public static long MaxUncompressedSize(ParquetCodec codec, int compressedSize) => codec switch
    {
        ParquetCodec.Uncompressed => compressedSize,
        ParquetCodec.Snappy => (22L * compressedSize) + 64,
        ParquetCodec.Gzip => (1032L * compressedSize) + 1024,
        _ => 0,
    };

    public static void Compress(ParquetCodec codec, ReadOnlySpan<byte> body, ByteBuffer output, CompressionLevel gzipLevel)
    {
        switch (codec)
        {
            case ParquetCodec.Uncompressed:
                output.Write(body);
                break;
            case ParquetCodec.Snappy:
                Snappy.Compress(body, output);
                break;
            case ParquetCodec.Gzip:
                using (var gzip = new GZipStream(new ByteBufferStream(output), gzipLevel, leaveOpen: false))
                {
                    gzip.Write(body);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(codec), codec, "the writer supports UNCOMPRESSED, SNAPPY and GZIP");
        }
    }

    /// <summary>Decompresses into <paramref name="output"/>, whose length is the page's declared uncompressed size.</summary>
    public static void Decompress(ParquetCodec codec, ReadOnlySpan<byte> body, Span<byte> output)
    {
        switch (codec)
        {
            case ParquetCodec.Uncompressed:
                if (body.Length != output.Length)
                {
                    throw new InvalidDataException($"uncompressed page of {body.Length} bytes declares {output.Length}");
                }

                body.CopyTo(output);
                break;
            case ParquetCodec.Snappy:
                Snappy.Decompress(body, output, output.Length);
                break;
            case ParquetCodec.Gzip:
                GunzipExactly(body, output);
                break;
            default:
                throw new InvalidDataException($"unsupported compression codec {ParquetNames.Codec(codec)}");
        }
    }

    private static unsafe void GunzipExactly(ReadOnlySpan<byte> body, Span<byte> output)
    {
        if (body.IsEmpty)
        {
            // Deflate writes nothing for empty input, so an empty page may come out empty.
            if (output.Length != 0)
            {
                throw new InvalidDataException($"GZIP page is empty but declares {output.Length} bytes");
            }

            return;
        }

        fixed (byte* start = body)
        {
            using var source = new UnmanagedMemoryStream(start, body.Length);
            int produced = 0;
            // GZipStream reads concatenated members on its own.
            using (var gzip = new GZipStream(source, CompressionMode.Decompress))
            {
                while (produced < output.Length)
                {
                    int read = gzip.Read(output[produced..]);
                    if (read == 0)
                    {
                        break;
                    }

                    produced += read;
                }

                if (produced == output.Length && gzip.Read(stackalloc byte[1]) != 0)
                {
                    throw new InvalidDataException($"GZIP page inflates beyond its declared {output.Length} bytes");
                }
            }

            if (produced != output.Length)
            {
                throw new InvalidDataException($"GZIP page inflates to {produced} bytes where it declares {output.Length}");
            }
        }
    }

    /// <summary>A write-only stream appending to a <see cref="ByteBuffer"/>, so deflate output needs no extra copy.</summary>
    private sealed class ByteBufferStream(ByteBuffer buffer) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => buffer.Length;

        public override long Position
        {
            get => buffer.Length;
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] data, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] data, int offset, int count) => buffer.Write(data.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> data) => buffer.Write(data);
    }
}
