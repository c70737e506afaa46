namespace LastKnownGood.Registry;

public enum RegistryPathKind
{
    /// <summary><c>SYSTEM</c> itself.</summary>
    System,

    /// <summary><c>SYSTEM\Select</c>.</summary>
    Select,

    /// <summary>A numbered control set, <c>SYSTEM\ControlSet00N</c>.</summary>
    ControlSet,

    /// <summary>The <c>CurrentControlSet</c> alias.</summary>
    CurrentControlSet,
}
