using CsCheck;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Registry;

/// <summary>Random write sequences against a real hive file.</summary>
public sealed class HivePropertyTests
{
    // Few names, so writes collide, overwrite and delete each other's keys and values; mixed case on purpose.
    private static readonly Gen<KeyPath> GenKey =
        Gen.OneOf("Services", "SERVICES", "Control").SelectMany(top =>
            Gen.OneOf("A", "b", "B", "C").SelectMany(middle =>
                Gen.OneOf("", @"\Parameters", @"\Content").Select(leaf => KeyPath.Parse($@"{top}\{middle}{leaf}"))));

    private static readonly Gen<string> GenName = Gen.OneOf("Start", "start", "Value", "Data", "");

    private static readonly Gen<Func<ControlSetEditor, RegistryValue>> GenValue = Gen.OneOf(
        Gen.UInt.Select(v => (Func<ControlSetEditor, RegistryValue>)(_ => RegistryValue.Dword(v))),
        Gen.ULong.Select(v => (Func<ControlSetEditor, RegistryValue>)(_ => RegistryValue.Qword(v))),
        Gen.String[Gen.Char.AlphaNumeric, 0, 12].Select(v => (Func<ControlSetEditor, RegistryValue>)(_ => RegistryValue.String(v))),
        Gen.String[Gen.Char.AlphaNumeric, 0, 5].Array[0, 3].Select(v => (Func<ControlSetEditor, RegistryValue>)(_ => RegistryValue.MultiString(v))),
        Gen.Byte.Array[0, 16].Select(v => (Func<ControlSetEditor, RegistryValue>)(_ => RegistryValue.Binary(v))),
        Gen.Byte.Array[0, 600].Select(v => (Func<ControlSetEditor, RegistryValue>)(e => RegistryValue.File(e.StoreFile(new MemoryStream(v), "f.bin")))));

    private enum Op { Set, DeleteValue, DeleteKey }

    private static readonly Gen<(Op Op, KeyPath Key, string Name, Func<ControlSetEditor, RegistryValue> Value)> GenChange =
        Gen.Frequency((6, Op.Set), (2, Op.DeleteValue), (1, Op.DeleteKey))
            .Select(GenKey, GenName, GenValue, (op, key, name, value) => (op, key, name, value));

    [Fact]
    public void RandomWrites_EverySetVerifies_AndApplyingDiffOfAToBToAYieldsB()
    {
        GenChange.Array[1, 4].Array[2, 8].Sample(writes =>
        {
            using var temp = new TempDirectory();
            using var hive = Hive.Create(temp.Combine("system.db"), TimeProvider.System);
            // Keep every set, so that the diffs applied below do not retire the sets under test.
            hive.Write("prop", "keep all", e => e.SetValue(KeyPath.Parse(@"Control\Recovery"), "History", RegistryValue.Dword(990)));
            foreach (var write in writes)
            {
                // A change that names a missing key or value is refused and the whole write rolls back.
                try
                {
                    hive.Write("prop", "random", e =>
                    {
                        foreach (var (op, key, name, value) in write)
                        {
                            switch (op)
                            {
                                case Op.Set: e.SetValue(key, name, value(e)); break;
                                case Op.DeleteValue: e.DeleteValue(key, name); break;
                                default: e.DeleteKey(key); break;
                            }
                        }
                    });
                }
                catch (LkgException e) when (e.Status == NtStatus.ObjectNameNotFound)
                {
                }
            }

            var sets = hive.ListControlSets();
            foreach (var set in sets)
            {
                hive.VerifyControlSet(set.Id, contents: true);
            }

            foreach (var a in sets)
            {
                foreach (var b in sets)
                {
                    var diff = hive.Diff(a.Id, b.Id);
                    hive.UpdateSelect(s => s with { Default = a.Id, Failed = b.Id });
                    var applied = hive.Write("prop", "apply diff", e =>
                    {
                        foreach (var difference in diff)
                        {
                            e.Apply(difference.ToChange());
                        }
                    });
                    Assert.Equal(b.Root, hive.GetControlSet(applied.ControlSet).Root);
                    Assert.Equal(diff.Count == 0, !applied.Changed);
                }
            }
        }, iter: 100);
    }
}
