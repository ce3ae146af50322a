using Google.Protobuf;
using ProtoConfigRecord = Confer.Protos.V2.ConfigRecord;
using ProtoConfigValue = Confer.Protos.V2.ConfigValue;

namespace Confer.Federation.Grpc.Internal;

/// <summary>Config records to and from the wire.</summary>
internal static class ConfigRecords
{
    public static ProtoConfigRecord ToProto(ConfigRecord config)
    {
        var proto = new ProtoConfigRecord();
        foreach ((string key, ConfigValue value) in config)
        {
            proto.Values[key] = ToProto(value);
        }

        return proto;
    }

    public static ConfigRecord FromProto(ProtoConfigRecord? proto) =>
        proto is null || proto.Values.Count == 0 ? ConfigRecord.Empty : new ConfigRecord(proto.Values.Select(p => KeyValuePair.Create(p.Key, FromProto(p.Key, p.Value))));

    private static ProtoConfigValue ToProto(ConfigValue value)
    {
        var proto = new ProtoConfigValue();
        switch (value.Kind)
        {
            case ConfigValueKind.Boolean:
                proto.BoolValue = value.ToBoolean();
                break;
            case ConfigValueKind.Integer:
                proto.IntValue = value.ToInt64();
                break;
            case ConfigValueKind.Double:
                proto.DoubleValue = value.ToDouble();
                break;
            case ConfigValueKind.String:
                proto.StringValue = value.ToString();
                break;
            case ConfigValueKind.Bytes:
                proto.BytesValue = ByteString.CopyFrom(value.ToBytes().Span);
                break;
            case ConfigValueKind.BooleanList:
                proto.BoolList = new Protos.V2.BoolList();
                proto.BoolList.Values.AddRange(value.ToBooleanList());
                break;
            case ConfigValueKind.IntegerList:
                proto.IntList = new Protos.V2.IntList();
                proto.IntList.Values.AddRange(value.ToInt64List());
                break;
            case ConfigValueKind.DoubleList:
                proto.DoubleList = new Protos.V2.DoubleList();
                proto.DoubleList.Values.AddRange(value.ToDoubleList());
                break;
            case ConfigValueKind.StringList:
                proto.StringList = new Protos.V2.StringList();
                proto.StringList.Values.AddRange(value.ToStringList());
                break;
            case ConfigValueKind.BytesList:
                proto.BytesList = new Protos.V2.BytesList();
                proto.BytesList.Values.AddRange(value.ToBytesList().Select(b => ByteString.CopyFrom(b.Span)));
                break;
        }

        return proto;
    }

    private static ConfigValue FromProto(string key, ProtoConfigValue proto) => proto.KindCase switch
    {
        ProtoConfigValue.KindOneofCase.BoolValue => proto.BoolValue,
        ProtoConfigValue.KindOneofCase.IntValue => proto.IntValue,
        ProtoConfigValue.KindOneofCase.DoubleValue => proto.DoubleValue,
        ProtoConfigValue.KindOneofCase.StringValue => proto.StringValue,
        ProtoConfigValue.KindOneofCase.BytesValue => ConfigValue.FromBytes(proto.BytesValue.Span),
        ProtoConfigValue.KindOneofCase.BoolList => ConfigValue.FromList(proto.BoolList.Values),
        ProtoConfigValue.KindOneofCase.IntList => ConfigValue.FromList(proto.IntList.Values),
        ProtoConfigValue.KindOneofCase.DoubleList => ConfigValue.FromList(proto.DoubleList.Values),
        ProtoConfigValue.KindOneofCase.StringList => ConfigValue.FromList(proto.StringList.Values),
        ProtoConfigValue.KindOneofCase.BytesList => ConfigValue.FromList(proto.BytesList.Values.Select(b => b.ToByteArray())),
        _ => throw new InvalidDataException($"The config value '{key}' is empty."),
    };
}
