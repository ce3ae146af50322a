using System.Reflection;
using System.Reflection.Emit;

namespace Confer.Workflow.Internal;

/// <summary>
/// Reads a method body's IL for the methods it references. Step methods are ordinary code, so the
/// only faithful static record of "which steps can this step go to" is the method-group delegates it
/// builds for <c>Next</c> (an <c>ldftn</c> followed by a delegate <c>newobj</c>).
/// </summary>
internal static class IlScanner
{
    private static readonly OpCode[] OneByte = new OpCode[0x100];
    private static readonly OpCode[] TwoByte = new OpCode[0x100];

    static IlScanner()
    {
        foreach (FieldInfo field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            if (field.GetValue(null) is OpCode op)
            {
                ushort value = unchecked((ushort)op.Value);
                if (op.Size == 1)
                {
                    OneByte[value] = op;
                }
                else
                {
                    TwoByte[value & 0xff] = op;
                }
            }
        }
    }

    /// <summary>A method reference in IL: how it is referenced, and whether a delegate is built from it right away.</summary>
    public readonly record struct Reference(MethodBase Method, bool IsFunctionPointer, bool MakesDelegate);

    public static List<Reference> FindReferences(MethodBase method)
    {
        var found = new List<Reference>();
        byte[]? il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            return found;
        }

        Type[]? typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        Type[]? methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        int position = 0;
        MethodBase? pendingPointer = null;
        while (position < il.Length)
        {
            OpCode op = il[position] == 0xFE && position + 1 < il.Length ? TwoByte[il[position + 1]] : OneByte[il[position]];
            position += op.Size;
            int operandStart = position;
            position += OperandSize(op.OperandType, il, position);
            if (op.OperandType != OperandType.InlineMethod)
            {
                FlushPointer(found, ref pendingPointer, makesDelegate: false);
                continue;
            }

            MethodBase? target = Resolve(method.Module, BitConverter.ToInt32(il, operandStart), typeArguments, methodArguments);
            if (target is null)
            {
                FlushPointer(found, ref pendingPointer, makesDelegate: false);
                continue;
            }

            if (op == OpCodes.Ldftn || op == OpCodes.Ldvirtftn)
            {
                FlushPointer(found, ref pendingPointer, makesDelegate: false);
                pendingPointer = target;
            }
            else if (op == OpCodes.Newobj && pendingPointer is not null && typeof(Delegate).IsAssignableFrom(target.DeclaringType))
            {
                FlushPointer(found, ref pendingPointer, makesDelegate: true);
            }
            else
            {
                FlushPointer(found, ref pendingPointer, makesDelegate: false);
                found.Add(new Reference(target, IsFunctionPointer: false, MakesDelegate: false));
            }
        }

        FlushPointer(found, ref pendingPointer, makesDelegate: false);
        return found;
    }

    private static void FlushPointer(List<Reference> found, ref MethodBase? pending, bool makesDelegate)
    {
        if (pending is not null)
        {
            found.Add(new Reference(pending, IsFunctionPointer: true, makesDelegate));
            pending = null;
        }
    }

    private static MethodBase? Resolve(Module module, int token, Type[]? typeArguments, Type[]? methodArguments)
    {
        try
        {
            return module.ResolveMethod(token, typeArguments, methodArguments);
        }
        catch (ArgumentException)
        {
            return null;
        }
        catch (BadImageFormatException)
        {
            return null;
        }
    }

    private static int OperandSize(OperandType type, byte[] il, int position) => type switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, position)),
        _ => 4,
    };
}
