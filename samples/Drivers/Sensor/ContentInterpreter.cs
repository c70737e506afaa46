namespace Sensor;

/// <summary>
/// Evaluates template instances against an event's inputs. It trusts the template type for the
/// number of criteria and reads the input of every criterion that is not a wildcard: with 20
/// inputs and a value in criterion 21, it reads <c>inputs[20]</c>, out of bounds.
/// </summary>
public static class ContentInterpreter
{
    public static bool Match(TemplateInstance instance, IReadOnlyList<string> inputs)
    {
        var supplied = inputs.ToArray();
        for (var field = 0; field < instance.Criteria.Count; field++)
        {
            var criterion = instance.Criteria[field];
            if (criterion != TemplateInstance.Wildcard && !string.Equals(criterion, supplied[field], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
