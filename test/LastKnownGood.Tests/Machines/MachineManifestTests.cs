using System.Globalization;
using System.Text;
using LastKnownGood.Machines;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Machines;

public sealed class MachineManifestTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void SampleManifest_LoadsAndWritesControlSet001()
    {
        var sample = Path.Combine(RepositoryRoot(), "samples", "machines", "workstation.json");
        var machine = new MachineDirectory(_temp.Combine("machine"));

        machine.Create(TimeProvider.System, hive => Init(hive, sample));

        using var hive = machine.OpenHive(TimeProvider.System);
        var sensor = hive.OpenKey(1, KeyPath.Parse(@"Services\Sensor"))!;
        Assert.True(sensor.TryGetValue("ErrorControl", out var errorControl));
        Assert.Equal(3u, errorControl.AsDword());
        var channel = hive.OpenKey(1, KeyPath.Parse(@"Services\Sensor\Content"))!.Values.Single().Value.AsFile();
        Assert.Equal("C-00000291-00000000-00000001.sys", channel.Name);
        Assert.True(hive.OpenKey(1, KeyPath.Parse(@"Services\WebFrontend"))!.TryGetValue("Arguments", out var arguments));
        Assert.Equal(RegistryValueKind.MultiSz, arguments.Kind);
        Assert.NotNull(hive.OpenKey(1, KeyPath.Parse(@"Control\SafeBoot\Minimal\Hello")));
    }

    [Fact]
    public void TypedValues_AndLargeNumbers_GetTheirTypes()
    {
        var manifest = Write("""
            {
              "Services": {
                "X": {
                  "Type": 16, "Start": 3, "ImagePath": "/bin/true",
                  "Parameters": {
                    "Big": 5000000000,
                    "Q": { "$type": "qword", "value": 7 },
                    "Blob": { "$type": "binary", "value": "AQID" },
                    "Multi": { "$type": "multi_sz", "value": ["a", "b"] }
                  }
                }
              }
            }
            """);
        var machine = new MachineDirectory(_temp.Combine("machine"));

        machine.Create(TimeProvider.System, hive => Init(hive, manifest));

        using var hive = machine.OpenHive(TimeProvider.System);
        var parameters = hive.OpenKey(1, KeyPath.Parse(@"Services\X\Parameters"))!.Values.ToDictionary(v => v.Name, v => v.Value);
        Assert.Equal(5_000_000_000ul, parameters["Big"].AsQword());
        Assert.Equal(7ul, parameters["Q"].AsQword());
        Assert.Equal([1, 2, 3], parameters["Blob"].Data.ToArray());
        Assert.Equal(["a", "b"], parameters["Multi"].AsMultiString());
    }

    [Theory]
    [InlineData("{ \"Services\": { \"A\": { \"Type\": 1, }", 1, "the JSON is malformed")]
    [InlineData("{\n \"Sevices\": {}\n}", 2, "\"Sevices\" is not a manifest section")]
    [InlineData("{\n \"Services\": {\n  \"A\": {\n   \"Type\": 1, \"Start\": 7, \"ImagePath\": \"A\"\n  }\n }\n}", 4, @"Services\A\Start: 7 is not allowed")]
    [InlineData("{\n \"Services\": {\n  \"A\": { \"Type\": \"kernel\", \"Start\": 0, \"ImagePath\": \"A\" }\n }\n}", 3, @"Services\A\Type: Type must be DWORD, not SZ")]
    [InlineData("{\n \"Services\": {\n  \"A\": { \"Start\": 0, \"ImagePath\": \"A\" }\n }\n}", 3, @"Services\A: has no Type")]
    [InlineData("{\n \"Services\": {\n  \"A\": { \"Type\": 1, \"Start\": 0, \"ImagePath\": \"A\", \"Stat\": 1 }\n }\n}", 3, "\"Stat\" is not a value of a service")]
    [InlineData("{\n \"Control\": {\n  \"Recovery\": {\n   \"Policy\": \"Optimistic\"\n  }\n }\n}", 4, @"Control\Recovery\Policy: ""Optimistic"" is not allowed; use Classic or Improved")]
    [InlineData("{\n \"Services\": {\n  \"A\": { \"Type\": 16, \"Start\": 2, \"ImagePath\": \"a\", \"DependOnService\": [\"B\"] },\n  \"B\": { \"Type\": 16, \"Start\": 2, \"ImagePath\": \"b\", \"DependOnService\": [\"A\"] }\n }\n}", 3, "cycle (A -> B -> A)")]
    [InlineData("{\n \"Services\": {\n  \"A\": { \"Type\": 1, \"Start\": 0, \"ImagePath\": \"A\",\n   \"Parameters\": { \"N\": -1 } }\n }\n}", 4, @"Services\A\Parameters\N: -1 is not a whole number")]
    [InlineData("{\n \"Services\": {\n  \"A\": { \"Type\": 1, \"Start\": 0, \"ImagePath\": \"A\",\n   \"Parameters\": { \"Bad\\u0007Name\": 1 } }\n }\n}", 4, "control character U+0007")]
    [InlineData("{\n \"Services\": {\n  \"A\": { \"Type\": 1, \"Start\": 0, \"ImagePath\": \"A\",\n   \"Content\": { \"C-1.sys\": { \"$file\": \"missing.sys\" } } }\n }\n}", 4, "missing.sys does not exist")]
    [InlineData("{\n \"Services\": {\n  \"A\": { \"Type\": 1, \"Start\": 0, \"ImagePath\": \"A\",\n   \"Parameters\": { \"On\": true } }\n }\n}", 4, "true is not a registry value")]
    [InlineData("{\n \"Services\": {},\n \"services\": {}\n}", 3, "appears twice")]
    [InlineData("[]", 1, "a manifest is a JSON object")]
    public void InvalidManifest_IsRejectedWithFileLineFieldAndReason(string json, int line, string reason)
    {
        var path = Write(json);

        var error = Assert.Throws<LkgException>(() => MachineManifest.Load(path));

        Assert.StartsWith($"manifest.json:{line}: ", error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void OversizedValue_IsRejectedWithTheLimit()
    {
        var path = Write($"{{ \"Control\": {{ \"Big\": {{ \"Text\": \"{new string('x', RegistryValue.MaxDataSize + 1)}\" }} }} }}");

        var error = Assert.Throws<LkgException>(() => MachineManifest.Load(path));

        Assert.Contains(@"Control\Big\Text", error.Message);
        Assert.Contains("over the limit", error.Message);
    }

    [Fact]
    public void Load_ManifestWithUtf8ByteOrderMark_IsAccepted()
    {
        var path = _temp.Combine("bom.json");
        File.WriteAllText(path, "{ \"Services\": { \"A\": { \"Type\": 16, \"Start\": 3, \"ImagePath\": \"/bin/true\" } } }", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal(0xEF, File.ReadAllBytes(path)[0]);

        var manifest = MachineManifest.Load(path);

        Assert.Contains(manifest.Entries, e => e.Key.ToString() == @"Services\A" && e.Name == "ImagePath");
    }

    [Fact]
    public void Load_100000ServicesInOneDependencyChain_IsCheckedWhole()
    {
        // Each depends on the next: a recursive cycle search would need 100,000 frames, a quadratic check hours.
        var path = WriteServices(100_000, i => $"\"DependOnService\": [\"S{i + 1}\"]");

        var manifest = MachineManifest.Load(path);

        Assert.Equal(100_000 * 5 + 1, manifest.Entries.Count);
    }

    [Fact]
    public void Load_CycleAtTheEndOf100000Services_IsFound()
    {
        var path = WriteServices(100_000, i => $"\"DependOnService\": [\"S{(i + 1) % 100_000}\"]");

        var error = Assert.Throws<LkgException>(() => MachineManifest.Load(path));

        Assert.Contains("in a cycle (S0 -> S1 -> S2", error.Message);
        Assert.True(error.Message.Length < 400, "the cycle of 100,000 names is echoed short");
    }

    [Theory]
    [InlineData("/dev/zero", "is a character device, not a regular file")]
    [InlineData("/dev/urandom", "is a character device, not a regular file")]
    [InlineData("/", "is a directory, not a regular file")]
    public void Load_NotARegularFile_IsRefusedWithOneSentence(string path, string says)
    {
        var error = Assert.Throws<LkgException>(() => MachineManifest.Load(path));

        Assert.Equal($"The manifest {path} {says}; give the path of a regular file.", error.Message);
    }

    [Fact]
    public void Load_OverTheSizeLimit_IsRefusedBeforeItIsRead()
    {
        var path = _temp.Combine("huge.json");
        using (var file = File.Create(path))
        {
            file.SetLength(MachineManifest.MaxSize + 1);
        }

        var error = Assert.Throws<LkgException>(() => MachineManifest.Load(path));

        Assert.Contains($"is {MachineManifest.MaxSize + 1:N0} bytes, over the limit of {MachineManifest.MaxSize:N0}", error.Message);
    }

    [Fact]
    public void Load_MegabyteName_IsEchoedShort()
    {
        var name = new string('n', 1024 * 1024);
        var path = Write($"{{ \"Services\": {{ \"{name}\": {{ \"Type\": 16 }} }} }}");

        var error = Assert.Throws<LkgException>(() => MachineManifest.Load(path));

        Assert.Contains("(1,048,576 characters)", error.Message);
        Assert.DoesNotContain(new string('n', Quote.MaxLength), error.Message);
        Assert.True(error.Message.Length < 400, error.Message);
    }

    [Fact]
    public void Load_InvalidUtf8InAString_IsRefusedWithItsLine()
    {
        // Found by the manifest fuzzer: System.Text.Json's InvalidOperationException escaped.
        var path = _temp.Combine("latin1.json");
        File.WriteAllBytes(path, [.. "{ \"Services\": {\n \"Caf"u8, 0xE9, .. "\": { \"Type\": 16 } } }"u8]);

        var error = Assert.Throws<LkgException>(() => MachineManifest.Load(path));

        Assert.Equal("latin1.json:2: a string is not valid UTF-8; save the manifest as UTF-8.", error.Message);
    }

    [Theory]
    [InlineData("{ \"Services\": { \"A\": { \"Type\": 16, \"Dep\\ndOnService\": 1 } } }", @"Dep\u000adOnService")]
    [InlineData("{ \"Services\": { \"A\": x\ny\u001b[2J\n", "the JSON is malformed")]
    public void Refusal_IsOneLine_WhateverTheManifestHolds(string json, string says)
    {
        // Found by the manifest fuzzer: a name or a JSON token with a newline came back across lines.
        var error = Assert.Throws<LkgException>(() => MachineManifest.Load(Write(json)));

        Assert.Contains(says, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.DoesNotContain('\u001b', error.Message);
    }

    private string WriteServices(int count, Func<int, string> more)
    {
        var json = new StringBuilder("{ \"Services\": {\n");
        for (var i = 0; i < count; i++)
        {
            json.Append(CultureInfo.InvariantCulture, $"  \"S{i}\": {{ \"Type\": 16, \"Start\": 3, \"ImagePath\": \"/bin/true\", {more(i)} }},\n");
        }

        return Write(json.Append("} }").ToString());
    }

    private void Init(Hive hive, string manifestPath)
    {
        var manifest = MachineManifest.Load(manifestPath);
        using var files = manifest.StageFiles(() => _temp.Combine($"staged-{Guid.NewGuid():n}"));
        hive.Write("test", "init", e => manifest.ApplyTo(e, files));
    }

    private string Write(string json)
    {
        var path = _temp.Combine("manifest.json");
        File.WriteAllText(path, json);
        return path;
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "LastKnownGood.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("The tests run outside the repository.");
    }
}
