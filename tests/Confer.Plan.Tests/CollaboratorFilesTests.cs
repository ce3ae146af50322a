using Confer.Plan;

namespace Confer.Plan.Tests;

public sealed class CollaboratorFilesTests
{
    [Fact]
    public void Load_DataInOpenFlLineFormat_MapsNamesToShardsAndPaths()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan).Write("plan/data.yaml", """
            # Copyright line and a header, as OpenFL's templates have them.
            # collaborator_name,data_directory_path
            collaborator1,1

            collaborator2 , 2
            hospital-3,/mnt/data/hospital 3,extra

            """);

        var data = workspace.Load().CollaboratorData;

        Assert.Equal(["collaborator1", "collaborator2", "hospital-3"], data.Keys);
        Assert.Equal(1, data["collaborator1"].Shard);
        Assert.Equal(2, data["collaborator2"].Shard);
        // Only the first comma separates; the rest belongs to the path.
        Assert.Equal("/mnt/data/hospital 3,extra", data["hospital-3"].Value);
        Assert.Null(data["hospital-3"].Shard);
    }

    [Fact]
    public void Load_DataAsYamlMap_IsAcceptedToo()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan).Write("plan/data.yaml", "alpha: 0\nbeta: data/beta\n");

        var data = workspace.Load().CollaboratorData;

        Assert.Equal(0, data["alpha"].Shard);
        Assert.Equal("data/beta", data["beta"].Value);
    }

    [Fact]
    public void Load_BadDataLines_AreEachReportedWithTheirLine()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan).Write("plan/data.yaml", """
            alpha,1
            beta
              gamma,
            alpha,2
            bad name,3

            """);

        var problems = workspace.LoadFails().Problems;

        ProblemAssert.Count(4, problems);
        Assert.All(problems, p => Assert.Equal("plan/data.yaml", p.File));
        Assert.Equal((2, 1), (problems[0].Line, problems[0].Column));
        Assert.Contains("Expected 'collaborator_name,data_path_or_shard'", problems[0].Message, StringComparison.Ordinal);
        Assert.Equal((3, 9), (problems[1].Line, problems[1].Column));
        Assert.Contains("'gamma' has no data path or shard", problems[1].Message, StringComparison.Ordinal);
        Assert.Equal((4, 1), (problems[2].Line, problems[2].Column));
        Assert.Contains("appears twice", problems[2].Message, StringComparison.Ordinal);
        Assert.Equal((5, 1), (problems[3].Line, problems[3].Column));
        Assert.Contains("'bad name' is not a valid collaborator name", problems[3].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ColsWithUnknownKeyAndBadName_AreReported()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan).Write("plan/cols.yaml", "collaborator:\n  - alpha\ncollaborators:\n  - ../evil\n  - beta\n");

        var problems = workspace.LoadFails().Problems;

        ProblemAssert.Count(2, problems);
        Assert.Equal(("plan/cols.yaml", 1, 1), (problems[0].File, problems[0].Line, problems[0].Column));
        Assert.Contains("Did you mean 'collaborators'?", problems[0].Message, StringComparison.Ordinal);
        Assert.Equal(("plan/cols.yaml", 4, 5), (problems[1].File, problems[1].Line, problems[1].Column));
        Assert.Contains("'../evil' is not a valid collaborator name", problems[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EmptyColsFile_AuthorizesNobody()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan).Write("plan/cols.yaml", "collaborators:\n");

        Assert.Empty(workspace.Load().AuthorizedCollaborators);
    }
}
