namespace LastKnownGood.Kernel;

/// <summary>A driver's call that reads the hive, in kernel or in user mode: a hive the kernel cannot use right now (busy past its timeout) is the call's failure status, never an exception in the driver.</summary>
internal static class HiveCall
{
    public static NtStatus Try<T>(Func<T> read, out T? result)
    {
        try
        {
            result = read();
            return NtStatus.Success;
        }
        catch (LkgException e)
        {
            result = default;
            return e.Status;
        }
    }
}
