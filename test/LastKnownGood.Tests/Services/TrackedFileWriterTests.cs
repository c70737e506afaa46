using System.Runtime.Versioning;
using System.Text;
using LastKnownGood.Internal;
using LastKnownGood.Registry;
using LastKnownGood.Services;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Services;

/// <summary>Tracked files written from a real hive into real directories: atomic replacement, the identical file left alone, and every refusal at the moment of writing.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class TrackedFileWriterTests : IDisposable
{
    private static readonly KeyPath TrackedKey = KeyPath.Parse(@"Services\Web\TrackedFiles");

    private readonly TempDirectory _temp = new();
    private readonly Hive _hive;
    private readonly List<string> _log = [];

    public TrackedFileWriterTests()
    {
        Directory.CreateDirectory(_temp.Combine("machine"));
        _hive = Hive.Create(_temp.Combine("machine", "system.db"), TimeProvider.System);
        Directory.CreateDirectory(_temp.Combine("site"));
    }

    private string Site => _temp.Combine("site");

    public void Dispose()
    {
        _hive.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void WriteAll_NewFile_AppearsWhole_With0644_AndLeavesNoTemporaryFile()
    {
        var path = Path.Combine(Site, "app.conf");

        var status = Write(Tracked(path, "listen 8080;\n"), out var reason);

        Assert.Equal((NtStatus.Success, ""), (status, reason));
        Assert.Equal("listen 8080;\n", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(path));
        Assert.Equal(["app.conf"], Directory.GetFiles(Site).Select(Path.GetFileName));
        Assert.Equal([$"Web: wrote tracked file {path} (13 bytes)"], _log);
    }

    [Fact]
    public void WriteAll_IdenticalFile_IsNotRewritten()
    {
        var path = Path.Combine(Site, "app.conf");
        File.WriteAllText(path, "same\n");
        File.SetLastWriteTimeUtc(path, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var inode = Inode(path);

        var status = Write(Tracked(path, "same\n"), out _);

        Assert.Equal(NtStatus.Success, status);
        Assert.Equal((inode, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc)), (Inode(path), File.GetLastWriteTimeUtc(path)));
        Assert.Equal([$"Web: tracked file {path} is up to date"], _log);
    }

    [Fact]
    public void WriteAll_ChangedFile_IsReplacedByARename_KeepingItsMode()
    {
        var path = Path.Combine(Site, "app.conf");
        File.WriteAllText(path, "old, and longer than the new one\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var inode = Inode(path);
        using var opened = File.OpenRead(path);

        var status = Write(Tracked(path, "new\n"), out _);

        Assert.Equal(NtStatus.Success, status);
        Assert.Equal("new\n", File.ReadAllText(path));
        Assert.NotEqual(inode, Inode(path));
        // A reader that had the old file open keeps reading the old file whole: never a mix of the two.
        Assert.Equal("old, and longer than the new one\n", new StreamReader(opened).ReadToEnd());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void WriteAll_ChangedFile_WithACapture_IsKeptAndHandedToIt_NotReplaced()
    {
        var path = Path.Combine(Site, "app.conf");
        File.WriteAllText(path, "edited by hand\n");
        var captured = new List<(string Service, string Path, string Bytes)>();

        var status = Write(Tracked(path, "from the control set\n"), out _, (service, file, onDisk) =>
        {
            captured.Add((service, file.Path, new StreamReader(onDisk).ReadToEnd()));
            return 7;
        });

        Assert.Equal(NtStatus.Success, status);
        Assert.Equal([("Web", path, "edited by hand\n")], captured);
        Assert.Equal("edited by hand\n", File.ReadAllText(path));
        Assert.Contains(_log, l => l.Contains("captured as ControlSet007, which the boot now runs on", StringComparison.Ordinal));
    }

    [Fact]
    public void CaptureChanged_AFileEditedAfterItWasWritten_IsHandedToTheCaptureOnce_AndAnUnchangedOneNever()
    {
        var path = Path.Combine(Site, "app.conf");
        var (writer, captured) = Watching(Tracked(path, "from the control set\n"));

        writer.CaptureChanged();
        Assert.Empty(captured);
        File.WriteAllText(path, "edited by hand\n");
        writer.CaptureChanged();
        writer.CaptureChanged();

        Assert.Equal([("Web", path, "edited by hand\n")], captured);
        Assert.Contains(_log, l => l.Contains($"Web: the file on disk at {path} changed while it ran; captured as ControlSet009, the Default the next boot runs on", StringComparison.Ordinal));
    }

    [Fact]
    public void CaptureChanged_AFileReplacedByARename_IsCaptured_AndADeletedOneIsLeftForTheNextBoot()
    {
        var path = Path.Combine(Site, "app.conf");
        var (writer, captured) = Watching(Tracked(path, "from the control set\n"));

        File.WriteAllText(Path.Combine(Site, "app.conf.swp"), "saved by an editor\n");
        File.Move(Path.Combine(Site, "app.conf.swp"), path, overwrite: true);
        writer.CaptureChanged();
        File.Delete(path);
        writer.CaptureChanged();

        Assert.Equal([("Web", path, "saved by an editor\n")], captured);
        Assert.Contains($"Web: its tracked file {path} was deleted on disk; the next boot writes it again from its control set", _log);
    }

    [Fact]
    public void CaptureChanged_ASymbolicLinkPlantedAfterTheWrite_IsNotRead_AndSaysWhy()
    {
        var path = Path.Combine(Site, "app.conf");
        var (writer, captured) = Watching(Tracked(path, "from the control set\n"));

        File.Delete(path);
        File.CreateSymbolicLink(path, "/etc/passwd");
        writer.CaptureChanged();

        Assert.Empty(captured);
        Assert.Contains(_log, l => l.StartsWith($"Web: its tracked file {path} changed on disk and is not captured: its tracked file \"{path}\" is a symbolic link", StringComparison.Ordinal));
    }

    [Fact]
    public void WriteAll_SymbolicLinkPlantedAtThePath_IsRefused_AndWhatItNamesIsUntouched()
    {
        var victim = _temp.Combine("victim");
        File.WriteAllText(victim, "precious\n");
        var path = Path.Combine(Site, "app.conf");
        File.CreateSymbolicLink(path, victim);

        var status = Write(Tracked(path, "evil\n"), out var reason);

        Assert.Equal(NtStatus.AccessDenied, status);
        Assert.Equal($"its tracked file \"{path}\" is a symbolic link; a tracked file is written in its path's place, never through a link, so name the file itself", reason);
        Assert.Equal("precious\n", File.ReadAllText(victim));
        Assert.Equal(victim, new FileInfo(path).LinkTarget);
    }

    [Fact]
    public void WriteAll_DirectoryReplacedByASymbolicLinkIntoEtc_IsRefused_AndNothingIsWrittenThere()
    {
        var name = $"t{Guid.NewGuid():n}"[..9] + ".conf";
        var path = Path.Combine(Site, "conf", name);
        File.CreateSymbolicLink(Path.Combine(Site, "conf"), "/etc");

        var status = Write(Tracked(path, "evil\n"), out var reason);

        Assert.Equal(NtStatus.AccessDenied, status);
        Assert.StartsWith($"its tracked file \"{path}\", which is /etc/{name} through a symbolic link, is inside /etc, a system location", reason);
        Assert.False(File.Exists($"/etc/{name}"));
        Assert.False(File.Exists($"/etc/.{name}.lkg-new"));
    }

    [Fact]
    public void WriteAll_InsideTheMachineDirectory_IsRefused()
    {
        var path = _temp.Combine("machine", "system.db");
        var before = File.ReadAllBytes(path);

        var status = Write(Tracked(path, "not a hive\n"), out var reason);

        Assert.Equal(NtStatus.AccessDenied, status);
        Assert.Equal($"its tracked file \"{path}\" is inside the machine directory, which belongs to lkg; put a tracked file in a directory the service owns", reason);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void WriteAll_MissingDirectory_FailsWithASentence()
    {
        var path = Path.Combine(Site, "missing", "app.conf");

        var status = Write(Tracked(path, "x\n"), out var reason);

        Assert.Equal(NtStatus.ObjectNameNotFound, status);
        Assert.Equal($"the directory of its tracked file {path} cannot be opened (No such file or directory); create {Path.Combine(Site, "missing")} before the service starts", reason);
        Assert.False(Directory.Exists(Path.Combine(Site, "missing")));
    }

    [Fact]
    public void WriteAll_ReadOnlyDirectory_FailsAsMediaWriteProtected_AndLeavesTheOldFile()
    {
        var path = Path.Combine(Site, "app.conf");
        File.WriteAllText(path, "old\n");
        var file = Tracked(path, "new\n");
        using (TestMount.ReadOnly(Site))
        {
            var status = Write(file, out var reason);

            Assert.Equal(NtStatus.MediaWriteProtected, status);
            Assert.Equal($"its tracked file {path} cannot be written in {Site} (Read-only file system); let the kernel's user write there", reason);
        }

        Assert.Equal("old\n", File.ReadAllText(path));
        Assert.Equal(["app.conf"], Directory.GetFiles(Site).Select(Path.GetFileName));
    }

    private TrackedFile Tracked(string path, string text)
    {
        var written = _hive.Write("test", "tracked", e => e.SetValue(TrackedKey, path, RegistryValue.File(e.StoreFile(new MemoryStream(Encoding.UTF8.GetBytes(text)), "app.conf"))));
        return new TrackedFile(path, _hive.OpenKey(written.ControlSet, TrackedKey)!.Values.Single(v => v.Name == path).Value.AsFile());
    }

    private NtStatus Write(TrackedFile file, out string reason, Func<string, TrackedFile, Stream, int>? capture = null) =>
        Writer(capture is null ? null : new TrackedFileCapture(capture, (_, _, _) => throw new InvalidOperationException("Nothing changed while running."))).WriteAll("Web", [file], out reason);

    private TrackedFileWriter Writer(TrackedFileCapture? capture) => new(_temp.Combine("machine"), capture, read => read(_hive, 1), _log.Add);

    /// <summary>A writer with a capture that keeps what it is handed while the service runs, and has <paramref name="file"/> written and watched.</summary>
    private (TrackedFileWriter Writer, List<(string Service, string Path, string Bytes)> Captured) Watching(TrackedFile file)
    {
        var captured = new List<(string Service, string Path, string Bytes)>();
        var writer = Writer(new TrackedFileCapture((_, _, _) => throw new InvalidOperationException("The file was written, not captured."), (service, path, onDisk) =>
        {
            captured.Add((service, path, new StreamReader(onDisk).ReadToEnd()));
            return 9;
        }));
        Assert.Equal(NtStatus.Success, writer.WriteAll("Web", [file], out _));
        return (writer, captured);
    }

    private static FileIdentity? Inode(string path) => FileIdentity.Of(path);
}
