using LastKnownGood.Boot;
using LastKnownGood.Registry;

namespace LastKnownGood.Kernel;

public sealed partial class Kernel
{
    /// <summary>How often a running kernel looks whether its boot's record names another set.</summary>
    private static readonly TimeSpan LiveInterval = TimeSpan.FromMilliseconds(250);

    private readonly ManualResetEventSlim _liveStop = new();

    /// <summary>
    /// A change applied live (DESIGN §5, §7): a write that <c>GuardedWrite</c> offered to this boot
    /// made its record name a set derived from the one this kernel runs. The kernel verifies what
    /// the new set changed, runs on it from then on, and tells each component whose content changed
    /// with a <c>content</c> event naming its content files that changed. Only a boot of the history
    /// has a record to watch. The same poll captures, under Improved, the services' tracked files
    /// changed on disk since they were written.
    /// </summary>
    private void StartLiveChanges()
    {
        if (_options.Boot is not { } boot)
        {
            return;
        }

        var thread = new Thread(() =>
        {
            while (!_liveStop.Wait(LiveInterval))
            {
                if (HiveCall.Try(() => WithHive((hive, _) => (int?)BootLog.Get(hive, boot).ControlSet), out var recorded).IsSuccess && recorded is { } set && set != _controlSet)
                {
                    RunOn(set);
                }

                _services?.CaptureChangedTrackedFiles();
            }
        })
        { IsBackground = true, Name = "kernel live-change poll" };
        thread.Start();
    }

    private void StopLiveChanges() => _liveStop.Set();

    private void RunOn(int set)
    {
        Dictionary<string, List<string>> changed;
        lock (_hiveGate)
        {
            var hive = _hive ?? throw new ObjectDisposedException(nameof(Kernel), "The kernel has shut down; its hive is closed.");
            try
            {
                hive.VerifyControlSet(set, verifiedBase: _controlSet);
                changed = hive.Diff(_controlSet, set)
                    .Where(d => d.Name is not null && ImprovedRecovery.ContentComponent(d.Key) is not null)
                    .GroupBy(d => ImprovedRecovery.ContentComponent(d.Key)!, RegistryNames.Comparer)
                    .ToDictionary(g => g.Key, g => g.Select(d => d.Name!).ToList(), RegistryNames.Comparer);
            }
            catch (LkgException e)
            {
                throw BugCheck(BugCheckCode.BadSystemConfigInfo, 0, 0, 0, 0, null, e, $"The set applied live, {ControlSetInfo.FormatName(set)}, cannot be used: {e.Message}");
            }

            _controlSet = set;
        }

        Events.Write("kernel", $"running {ControlSetInfo.FormatName(set)} live, tentative until accepted: "
            + (changed.Count == 0 ? "no component's content changed" : string.Join("; ", changed.Select(c => $"{c.Key}'s content {string.Join(", ", c.Value)}"))));
        foreach (var (component, names) in changed)
        {
            Dispatch(new KernelEvent(ContentEvent, names), component);
        }
    }

    /// <summary>The event type a component's content changing live is dispatched as; its fields are the names of the files that changed.</summary>
    public const string ContentEvent = "content";
}
