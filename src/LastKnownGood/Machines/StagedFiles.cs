using LastKnownGood.Registry;

namespace LastKnownGood.Machines;

/// <summary>A manifest's files, staged before its write (<see cref="MachineManifest.StageFiles"/>); disposing removes every copy.</summary>
public sealed class StagedFiles : IDisposable
{
    private readonly Dictionary<string, StagedContent> _files = new(StringComparer.Ordinal);

    internal StagedContent this[string source] => _files[source];

    internal void Add(string source, StagedContent content) => _files.Add(source, content);

    public void Dispose()
    {
        foreach (var file in _files.Values)
        {
            file.Dispose();
        }
    }
}
