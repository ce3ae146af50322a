using Confer.Cli.Commands.Lifecycle;

namespace Confer.Cli.Tests.Commands.Lifecycle;

public sealed class PlanFileEditorTests
{
    [Fact]
    public void SetNetworkSetting_ExistingValue_ReplacesOnlyThatScalar()
    {
        const string Plan = "# top\nnetwork:\n  settings:\n    agg_addr: \"auto\"   # dialled by collaborators\n    agg_port: 50051\n";

        string edited = PlanFileEditor.SetNetworkSetting(Plan, "agg_addr", "agg.example.org", "plan.yaml");

        Assert.Equal("# top\nnetwork:\n  settings:\n    agg_addr: agg.example.org   # dialled by collaborators\n    agg_port: 50051\n", edited);
    }

    [Fact]
    public void SetNetworkSetting_MissingKey_AddsItUnderSettings()
    {
        const string Plan = "network:\n  settings:\n    agg_port: 50051\nassigner: {}\n";

        string edited = PlanFileEditor.SetNetworkSetting(Plan, "agg_addr", "localhost", "plan.yaml");

        Assert.Equal("localhost", PlanFileEditor.ReadNetworkSetting(edited, "agg_addr", "plan.yaml"));
        Assert.Equal("50051", PlanFileEditor.ReadNetworkSetting(edited, "agg_port", "plan.yaml"));
    }

    [Fact]
    public void SetNetworkSetting_NoNetworkSection_AppendsOne()
    {
        const string Plan = "aggregator:\n  settings:\n    rounds_to_train: 1";

        string edited = PlanFileEditor.SetNetworkSetting(Plan, "agg_port", "6000", "plan.yaml");

        Assert.Equal("6000", PlanFileEditor.ReadNetworkSetting(edited, "agg_port", "plan.yaml"));
        Assert.StartsWith(Plan, edited, StringComparison.Ordinal);
    }

    [Fact]
    public void SetNetworkSetting_Ipv6Address_IsQuoted()
    {
        string edited = PlanFileEditor.SetNetworkSetting("network:\n  settings:\n    agg_addr: auto\n", "agg_addr", "::1", "plan.yaml");

        Assert.Contains("agg_addr: \"::1\"", edited, StringComparison.Ordinal);
        Assert.Equal("::1", PlanFileEditor.ReadNetworkSetting(edited, "agg_addr", "plan.yaml"));
    }

    [Fact]
    public void SetNetworkSetting_BrokenYaml_NamesLineAndColumn()
    {
        var exception = Assert.Throws<LifecycleException>(() => PlanFileEditor.SetNetworkSetting("network:\n  settings: [\n", "agg_addr", "x", "plan/plan.yaml"));

        Assert.Matches(@"^plan/plan\.yaml\(\d+,\d+\): error:", exception.Message);
    }
}
