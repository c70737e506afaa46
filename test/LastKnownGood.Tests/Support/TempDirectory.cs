namespace LastKnownGood.Tests.Support;

/// <summary>A fresh directory under the system temp folder, deleted with the test.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lkg-tests", Guid.NewGuid().ToString("n"));

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A child process killed a moment ago may still be releasing a file; the OS temp cleaner takes it.
        }
    }
}
