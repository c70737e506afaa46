namespace LastKnownGood.Kernel.Pool.Internal;

/// <summary>Read or write, with Windows' encoding in the page-fault bug checks' parameter (0 read, 1 write).</summary>
internal enum PoolAccess : ulong
{
    Read = 0,
    Write = 1,
}
