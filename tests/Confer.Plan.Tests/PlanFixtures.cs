namespace Confer.Plan.Tests;

/// <summary>Plans written the way an OpenFL user writes them: sections naming defaults files, overrides below.</summary>
internal static class PlanFixtures
{
    public const string FullPlan = """
        # A torch CNN federation, OpenFL style.
        aggregator:
          defaults: plan/defaults/aggregator.yaml
          settings:
            init_state_path: save/torch_cnn_init.pbuf
            best_state_path: save/torch_cnn_best.pbuf
            last_state_path: save/torch_cnn_last.pbuf
            rounds_to_train: 10

        collaborator:
          defaults: plan/defaults/collaborator.yaml
          settings:
            delta_updates: true
            opt_treatment: CONTINUE_GLOBAL

        data_loader:
          defaults: plan/defaults/data_loader.yaml
          template: mnist_shards
          settings:
            collaborator_count: 2
            batch_size: 256

        task_runner:
          template: torch_cnn
          settings:
            learning_rate: 0.05

        network:
          defaults: plan/defaults/network.yaml
          settings:
            agg_addr: agg.example.org
            agg_port: 50443
            limits:
              chunk_size: 65536

        assigner:
          template: RandomGroupedAssigner
          settings:
            task_groups:
              - name: learning
                percentage: 0.8
                tasks: [aggregated_model_validation, train, locally_tuned_model_validation]
              - name: evaluation
                percentage: 0.2
                tasks: [aggregated_model_validation]

        tasks:
          defaults: plan/defaults/tasks_torch.yaml
          train:
            kwargs:
              epochs: 2

        strategy:
          template: trimmed_mean
          settings:
            beta: 0.1

        straggler_handling_policy:
          template: CutoffTime
          settings:
            straggler_cutoff_time: 120
            minimum_reporting: 2

        compression_pipeline:
          stages: []

        """;

    // Only write_logs differs from the built-in copy, so the test can tell which one was read.
    public const string AggregatorDefaults = """
        settings:
          init_state_path: save/init.pbuf
          best_state_path: save/best.pbuf
          last_state_path: save/last.pbuf
          write_logs: true

        """;

    public const string Cols = """
        collaborators:
          - alpha
          - beta

        """;

    public const string OpenFlData = """
        # collaborator_name,data_directory_path
        alpha,1
        beta,data/beta

        """;

    /// <summary>The smallest valid plan: everything else comes from defaults.</summary>
    public const string MinimalPlan = """
        aggregator:
          settings:
            rounds_to_train: 3
        data_loader:
          template: mnist_shards
        task_runner:
          template: torch_cnn
        assigner:
          defaults: plan/defaults/assigner.yaml
        tasks:
          defaults: plan/defaults/tasks_torch.yaml

        """;

    public static TestWorkspace FullWorkspace() => new TestWorkspace()
        .Write("plan/plan.yaml", FullPlan)
        .Write("plan/defaults/aggregator.yaml", AggregatorDefaults)
        .Write("plan/cols.yaml", Cols)
        .Write("plan/data.yaml", OpenFlData);

    public static TestWorkspace WithPlan(string plan) => new TestWorkspace().Write("plan/plan.yaml", plan);
}
