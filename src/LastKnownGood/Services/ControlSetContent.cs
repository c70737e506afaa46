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

    /// <summary>
    /// The write and its pre-flight are one transaction: the throwaway host reads the set being
    /// written, and a failed pre-flight rolls it back, then quarantines the file in a transaction of its own.
    /// </summary>
    protected override ContentPushed PushOf(Hive hive, string component, string source, string name, string author, long maxSize, bool force, Preflight? preflight)
    {
        using var staged = StagedContent.Stage(source, machine.NewStagingPath(), maxSize);
        RegistryValue? file = null;
        PreflightResult? result = null;
        try
        {
            var written = hive.Transaction(() =>
            {
                var write = GuardedWrite.Write(hive, author, $"content push {component} {name}", editor =>
                    editor.SetValue(Key(component), name, file = RegistryValue.File(editor.StoreFile(staged, name))), force);
                result = !write.Changed ? new(PreflightOutcome.NotRun, 0, TimeSpan.Zero, $"{component} has this file already, so there is nothing new to run")
                    : preflight?.Run(machine, hive, write.ControlSet, component)
                    ?? new(PreflightOutcome.Skipped, 0, TimeSpan.Zero, "--no-preflight: the file reaches the next boot untried");
                return result?.Outcome == PreflightOutcome.Failed ? throw new PreflightFailed() : write;
            });
            return new(ControlSetInfo.FormatName(written.ControlSet), result, written.LiveBoot);
        }
        catch (PreflightFailed)
        {
            var held = Quarantine.Add(hive, new QuarantineEntry(component, Key(component).ToString(), name, QuarantineEntry.IdentityOf(file!), $"pre-flight: {result!.Detail}"), hive.Time.GetUtcNow());
            throw new LkgException(NtStatus.DataError,
                $"The pre-flight of {component}'s {name} failed: {result.Detail}. Nothing was pushed, and the file is quarantined (entry {held.Id}); fix the content, or give --force --no-preflight to push it all the same.");
        }
    }

    /// <summary>Rolls the push's transaction back when its pre-flight failed.</summary>
    private sealed class PreflightFailed : Exception;

    protected override void DeleteOf(Hive hive, string component, string pattern, IReadOnlyList<string> doomed, string author) =>
        GuardedWrite.Write(hive, author, $"content delete {component} {pattern}", editor =>
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
