namespace LastKnownGood;

/// <summary>
/// A row of the machine database outside the hash trees (a boot, a crash record, a control set's
/// record) that failed its check or could not be read: it is set aside, never half-parsed, and
/// the rest is used (docs/hive.md).
/// </summary>
/// <param name="Table">The table the row is in: <c>boots</c>, <c>crashes</c> or <c>control_sets</c>.</param>
/// <param name="Id">The row's key: the boot's number, the crash record's id, the control set's number.</param>
/// <param name="Problem">What is wrong with it, in words.</param>
public sealed record DamagedRow(string Table, long Id, string Problem)
{
    public override string ToString() => $"{Table} row {Id} is damaged ({Problem.TrimEnd('.')}) and is left out";
}
