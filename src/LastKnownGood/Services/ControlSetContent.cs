using LastKnownGood.Machines;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;

namespace LastKnownGood.Services;

/// <summary>Improved's content store: FILE values of <c>Services\&lt;Name&gt;\Content</c>, each write a new control set through the quarantine.</summary>
public sealed class ControlSetContent(MachineDirectory machine) : ContentStore
{
    public override RecoveryPolicy Policy => RecoveryPolicy.Improved;

    protected override IReadOnlyList<string> NamesOf(Hive hive, int controlSet, string component) =>
        [.. Values(hive, controlSet, component).Select(v => v.Name)];

    protected override IReadOnlyList<ContentFile> ListOf(Hive hive, int controlSet, string component) =>
        [.. Values(hive, controlSet, component).Select(v => new ContentFile(v.Name, v.Value.AsFile().Size, v.Value.AsFile().Hash.ToString()))];

    protected override Stream? OpenOf(Hive hive, int controlSet, string component, string name) =>
        hive.OpenKey(controlSet, Key(component)) is { } key && key.TryGetValue(name, out var value) && value.Kind == RegistryValueKind.File
            ? hive.OpenFile(value.AsFile())
            : null;

    protected override string PushOf(Hive hive, string component, string source, string name, string author, long maxSize, bool force)
    {
        using var staged = StagedContent.Stage(source, machine.NewStagingPath(), maxSize);
        var written = GuardedWrite.Write(hive, author, $"content push {component} {name}", editor =>
            editor.SetValue(Key(component), name, RegistryValue.File(editor.StoreFile(staged, name))), force);
        return ControlSetInfo.FormatName(written.ControlSet);
    }

    protected override void DeleteOf(Hive hive, string component, string pattern, IReadOnlyList<string> doomed, string author) =>
        hive.Write(author, $"content delete {component} {pattern}", editor =>
        {
            foreach (var name in doomed)
            {
                editor.DeleteValue(Key(component), name);
            }
        });

    private static KeyPath Key(string component) => KeyPath.Parse("Services").Child(component).Child("Content");

    private static IEnumerable<NamedValue> Values(Hive hive, int controlSet, string component) =>
        (hive.OpenKey(controlSet, Key(component))?.Values ?? []).Where(v => v.Value.Kind == RegistryValueKind.File);
}
