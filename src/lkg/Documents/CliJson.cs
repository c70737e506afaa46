using System.Text.Json;
using System.Text.Json.Serialization;
using LastKnownGood.Diagnostics;
using LastKnownGood.Recovery;

namespace LastKnownGood.Cli.Documents;

/// <summary>
/// Every JSON document <c>lkg</c> writes, source-generated so that it serializes without
/// reflection (it is compiled ahead of time): camelCase names, indented, and every field written,
/// null or not. <see cref="CommandContext.Report{T}"/> writes them.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ErrorDocument))]
[JsonSerializable(typeof(DoctorDocument))]
[JsonSerializable(typeof(InitDocument))]
[JsonSerializable(typeof(BootRunDocument))]
[JsonSerializable(typeof(BootDocument))]
[JsonSerializable(typeof(BootDocument[]))]
[JsonSerializable(typeof(BootRequestDocument))]
[JsonSerializable(typeof(ManualCrashDocument))]
[JsonSerializable(typeof(LastKnownGoodDocument))]
[JsonSerializable(typeof(StatusDocument))]
[JsonSerializable(typeof(ControlSetDocument[]))]
[JsonSerializable(typeof(ControlSetShowDocument))]
[JsonSerializable(typeof(DifferenceDocument[]))]
[JsonSerializable(typeof(RegQueryDocument))]
[JsonSerializable(typeof(WriteDocument))]
[JsonSerializable(typeof(ContentFileDocument[]))]
[JsonSerializable(typeof(ContentPushDocument))]
[JsonSerializable(typeof(ContentDeleteDocument))]
[JsonSerializable(typeof(VerifierQueryDocument))]
[JsonSerializable(typeof(VerifierWriteDocument))]
[JsonSerializable(typeof(DriverInstallDocument))]
[JsonSerializable(typeof(ServiceSummaryDocument[]))]
[JsonSerializable(typeof(ServiceDocument))]
[JsonSerializable(typeof(KeyCreatedDocument))]
[JsonSerializable(typeof(KeyTrustedDocument))]
[JsonSerializable(typeof(SignDocument))]
[JsonSerializable(typeof(CrashDocument))]
[JsonSerializable(typeof(CrashDocument[]))]
[JsonSerializable(typeof(CrashAnalysis))]
[JsonSerializable(typeof(NotMyFaultRow[]))]
[JsonSerializable(typeof(Dictionary<string, CrowdStrikeRun>))]
[JsonSerializable(typeof(EventDocument))]
[JsonSerializable(typeof(EventDocument[]))]
[JsonSerializable(typeof(ServiceControlDocument))]
[JsonSerializable(typeof(ShutdownDocument))]
[JsonSerializable(typeof(QuarantineEntry))]
[JsonSerializable(typeof(QuarantineEntry[]))]
[JsonSerializable(typeof(RemediationPackDocument))]
[JsonSerializable(typeof(RemediationDocument[]))]
internal sealed partial class CliJson : JsonSerializerContext;
