using Confer.Cli.Commands.Lifecycle;
using Confer.Cli.Tests.Infrastructure;
using Confer.Testing;

namespace Confer.Cli.Tests.Commands.Lifecycle;

public sealed class WorkspaceLayoutTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void SetCollaboratorData_OpenFlLines_ReplacesTheEntryAndKeepsTheRest()
    {
        var layout = new WorkspaceLayout(_temp.Path);
        Directory.CreateDirectory(_temp.Combine("plan"));
        File.WriteAllText(layout.DataFile, "# comment\nalpha,1\nbeta,data/beta\n");

        string? previous = layout.SetCollaboratorData("alpha", "2");

        Assert.Equal("1", previous);
        Assert.Equal("# comment\nalpha,2\nbeta,data/beta\n", File.ReadAllText(layout.DataFile));
    }

    [Fact]
    public void SetCollaboratorData_YamlMap_KeepsTheFormatAndQuotesWhatNeedsIt()
    {
        var layout = new WorkspaceLayout(_temp.Path);
        Directory.CreateDirectory(_temp.Combine("plan"));
        File.WriteAllText(layout.DataFile, "alpha: 1\n");

        layout.SetCollaboratorData("beta", "my data: 2");

        Assert.Equal("alpha: 1\nbeta: \"my data: 2\"\n", File.ReadAllText(layout.DataFile));
        Assert.Equal("my data: 2", layout.ReadCollaboratorData("beta"));
    }

    [Fact]
    public void WriteCollaborators_ThenRead_KeepsTheOrder()
    {
        var layout = new WorkspaceLayout(_temp.Path);

        layout.WriteCollaborators(["beta", "alpha"]);

        Assert.Equal(["beta", "alpha"], layout.ReadCollaborators());
    }
}
