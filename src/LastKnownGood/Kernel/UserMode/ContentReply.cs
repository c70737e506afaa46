namespace LastKnownGood.Kernel.UserMode;

/// <summary>
/// A <see cref="FrameType.ReadContent"/> reply: a status, the file's length, then at most
/// <see cref="ChunkSize"/> bytes from the offset asked for. A host reads a file of any size in
/// chunks, so no frame grows with the content.
/// </summary>
internal static class ContentReply
{
    public const int ChunkSize = Frame.MaxPayload - 64;

    public static void Write(IHostServices kernel, string driver, string name, ulong offset, FrameWriter reply)
    {
        var chunk = new byte[ChunkSize];
        var status = HiveCall.Try(() => kernel.WithHive((hive, set) =>
        {
            using var stream = kernel.Content.Open(hive, set, driver, name);
            if (stream is null)
            {
                return ((ulong Length, int Read)?)null;
            }

            var length = (ulong)stream.Length;
            if (offset >= length)
            {
                return (length, 0);
            }

            Skip(stream, (long)offset, chunk);
            return (length, stream.ReadAtLeast(chunk, chunk.Length, throwOnEndOfStream: false));
        }), out var result);
        status = status.IsSuccess && result is null ? NtStatus.ObjectNameNotFound : status;
        reply.U32(status.Value);
        if (status.IsSuccess)
        {
            reply.U64(result!.Value.Length).Bytes(chunk.AsSpan(0, result.Value.Read));
        }
    }

    /// <summary>
    /// Moves to <paramref name="offset"/>: a file of the plain content directory (Classic) seeks; a
    /// content blob of the hive (Improved) verifies its hash as it is read from its start, so it is
    /// read up to the offset. A host reads a file front to back, so a file of n chunks costs n²/2
    /// chunk reads: small for channel files, and the reason content files have a size cap.
    /// </summary>
    private static void Skip(Stream stream, long offset, byte[] buffer)
    {
        if (stream.CanSeek)
        {
            stream.Seek(offset, SeekOrigin.Begin);
            return;
        }

        for (var left = offset; left > 0;)
        {
            var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0)
            {
                return;
            }

            left -= read;
        }
    }
}
