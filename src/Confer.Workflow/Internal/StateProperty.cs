using System.Reflection;

namespace Confer.Workflow.Internal;

/// <summary>One attribute of a flow's state (or one private attribute): a settable property.</summary>
internal sealed class StateProperty
{
    public StateProperty(PropertyInfo property)
    {
        Property = property;
        Name = property.Name;
        Type = property.PropertyType;
        DefaultValue = Type.IsValueType && Nullable.GetUnderlyingType(Type) is null ? Activator.CreateInstance(Type) : null;
    }

    public string Name { get; }

    public Type Type { get; }

    public PropertyInfo Property { get; }

    /// <summary>What a property holds when it was not carried: the type's default.</summary>
    public object? DefaultValue { get; }

    public object? Get(Flow flow) => Property.GetValue(flow);

    public void Set(Flow flow, object? value) => Property.SetValue(flow, value);

    public void Reset(Flow flow) => Property.SetValue(flow, DefaultValue);
}
