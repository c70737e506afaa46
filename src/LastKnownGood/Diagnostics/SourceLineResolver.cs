using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;

namespace LastKnownGood.Diagnostics;

/// <summary>
/// Fills in a frame's source file and line from the portable PDB beside its module
/// (<c>Sensor.dll</c> → <c>Sensor.pdb</c>): the sequence point that covers the frame's IL offset.
/// Frames that already have a line, or lack a module path, token or offset, are returned as they
/// are, and so are frames whose PDB is missing, unreadable or not portable. Each PDB is read once
/// per resolver; dispose it to close them.
/// </summary>
public sealed class SourceLineResolver : IDisposable
{
    private readonly Dictionary<string, MetadataReaderProvider?> _pdbs = new(StringComparer.Ordinal);

    public CrashFrame Resolve(CrashFrame frame)
    {
        if (frame.Line is not null || frame.ModulePath is null || frame.ILOffset < 0 || (frame.MethodToken >> 24) != 0x06)
        {
            return frame;
        }

        try
        {
            if (Open(Path.ChangeExtension(frame.ModulePath, ".pdb")) is not { } provider)
            {
                return frame;
            }

            var reader = provider.GetMetadataReader();
            var method = (MethodDefinitionHandle)MetadataTokens.EntityHandle(frame.MethodToken);
            SequencePoint? covering = null;
            foreach (var point in reader.GetMethodDebugInformation(method).GetSequencePoints())
            {
                if (point.Offset > frame.ILOffset)
                {
                    break;
                }

                if (!point.IsHidden)
                {
                    covering = point;
                }
            }

            return covering is { } found
                ? frame with { File = reader.GetString(reader.GetDocument(found.Document).Name), Line = found.StartLine }
                : frame;
        }
        catch (Exception e) when (e is BadImageFormatException or ArgumentException or InvalidOperationException)
        {
            // A PDB that does not match the module, or a token it does not hold: the frame keeps what it has.
            return frame;
        }
    }

    public void Dispose()
    {
        foreach (var provider in _pdbs.Values)
        {
            provider?.Dispose();
        }

        _pdbs.Clear();
    }

    private MetadataReaderProvider? Open(string pdbPath)
    {
        if (!_pdbs.TryGetValue(pdbPath, out var provider))
        {
            try
            {
                provider = File.Exists(pdbPath) ? MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(pdbPath)) : null;
                _ = provider?.GetMetadataReader();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadImageFormatException)
            {
                // A Windows PDB or a damaged one: no lines from it.
                provider?.Dispose();
                provider = null;
            }

            _pdbs[pdbPath] = provider;
        }

        return provider;
    }
}
