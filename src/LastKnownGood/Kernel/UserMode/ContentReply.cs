namespace LastKnownGood.Kernel.UserMode;

/// <summary>
/// A <see cref="FrameType.ReadContent"/> reply: a status, the file's length, then at most
/// <see cref="ChunkSize"/> bytes from the offset asked for. A host reads a file of any size in
/// chunks, so no frame grows with the content.
/// </summary>
internal static class ContentReply
{
    public const int ChunkSize = Frame.MaxPayload - 64;

    public static void Write(Kernel kernel, string driver, string name, ulong offset, FrameWriter reply)
    {
        var chunk = new byte[ChunkSize];
        var status = HiveCall.Try(() => kernel.WithHive((hive, set) =>
        {
            using var stream = kernel.Content!.Open(hive, set, driver, name);
            if (stream is null)
            {
                return ((ulong Length, int Read)?)null;
            }

            var length = (ulong)stream.Length;
            if (offset >= length)
            {
                return (length, 0);
            }

            stream.Seek((long)offset, SeekOrigin.Begin);
            return (length, stream.ReadAtLeast(chunk, chunk.Length, throwOnEndOfStream: false));
        }), out var result);
        status = status.IsSuccess && result is null ? NtStatus.ObjectNameNotFound : status;
        reply.U32(status.Value);
        if (status.IsSuccess)
        {
            reply.U64(result!.Value.Length).Bytes(chunk.AsSpan(0, result.Value.Read));
        }
    }
}
