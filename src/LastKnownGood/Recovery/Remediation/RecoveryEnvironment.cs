using System.Security.Cryptography;
using LastKnownGood.Machines;

namespace LastKnownGood.Recovery.Remediation;

/// <summary>
/// The asking half of the recovery environment (DESIGN §8): while a safe-mode boot runs under
/// Improved, it asks its source for packages at once and then every <c>RemediationRetry</c>,
/// downloading them to the machine's staging files in the background. What it fetched is taken
/// (<see cref="RemediationPackage.Take"/>) on the boot manager's thread, which alone writes the hive.
/// </summary>
public sealed class RecoveryEnvironment(MachineDirectory machine, IRemediationSource source, TimeSpan retry, TimeProvider time) : IDisposable
{
    private Task<IReadOnlyList<FetchedPackage>>? _asking;
    private DateTimeOffset _next = DateTimeOffset.MinValue;
    private string? _lastProblem;
    private string? _unsaid;

    public IRemediationSource Source => source;

    public TimeSpan Retry => retry;

    /// <summary>
    /// Starts an ask when one is due and none runs; returns what an ask that has ended fetched (once).
    /// An ask that failed returns nothing, and its sentence is in <see cref="TakeProblem"/> when it differs from the last one.
    /// </summary>
    public IReadOnlyList<FetchedPackage>? Poll(CancellationToken end)
    {
        if (_asking is null)
        {
            if (time.GetUtcNow() >= _next)
            {
                _next = time.GetUtcNow() + retry;
                _asking = Task.Run(() => AskAsync(end), end);
            }

            return null;
        }

        if (!_asking.IsCompleted)
        {
            return null;
        }

        var asked = _asking;
        _asking = null;
        if (asked.IsCompletedSuccessfully)
        {
            _lastProblem = null;
            return asked.Result;
        }

        // A source down for days is said once, not at every ask.
        var problem = asked.Exception?.InnerException switch
        {
            LkgException e => e.Message,
            var e => $"The remediation source {source.Name} could not be asked ({e?.Message.TrimEnd('.')}); the recovery environment asks again later.",
        };
        _unsaid = problem == _lastProblem ? null : problem;
        _lastProblem = problem;
        return null;
    }

    /// <summary>The sentence of an ask that failed, once for each new failure; null otherwise.</summary>
    public string? TakeProblem()
    {
        var problem = _unsaid;
        _unsaid = null;
        return problem;
    }

    /// <summary>Removes what an ask fetched and nobody took, and waits for an ask still running.</summary>
    public void Dispose()
    {
        try
        {
            _asking?.Wait(TimeSpan.FromSeconds(35));
        }
        catch (AggregateException)
        {
            // An ask cut short by the boot's end: nothing of it is taken.
        }

        if (_asking is { IsCompletedSuccessfully: true } asked)
        {
            foreach (var package in asked.Result)
            {
                package.Dispose();
            }
        }
    }

    private async Task<IReadOnlyList<FetchedPackage>> AskAsync(CancellationToken end)
    {
        var fetched = new List<FetchedPackage>();
        try
        {
            foreach (var name in await source.ListAsync(end))
            {
                var path = machine.NewStagingPath();
                fetched.Add(new FetchedPackage(name, path, ""));
                await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite))
                {
                    await source.FetchAsync(name, file, end);
                    file.Position = 0;
                    fetched[^1] = fetched[^1] with { ArchiveSha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, end)) };
                }
            }

            return fetched;
        }
        catch
        {
            foreach (var package in fetched)
            {
                package.Dispose();
            }

            throw;
        }
    }
}

/// <summary>A package an ask fetched: its name at the source, the staging file holding its archive, and the archive's SHA-256, which it is known by.</summary>
public sealed record FetchedPackage(string Name, string Archive, string ArchiveSha256) : IDisposable
{
    public void Dispose() => File.Delete(Archive);
}
