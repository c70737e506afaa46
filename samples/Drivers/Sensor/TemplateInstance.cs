namespace Sensor;

/// <summary>One detection rule: a match criterion per template field, a value or the wildcard <c>*</c>.</summary>
public sealed record TemplateInstance(IReadOnlyList<string> Criteria)
{
    public const string Wildcard = "*";
}
