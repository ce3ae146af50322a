using System.Collections.Immutable;

namespace Confer.Plan;

/// <summary>
/// The defaults files Confer ships, by workspace-relative path (e.g. <c>plan/defaults/aggregator.yaml</c>).
/// A plan section's <c>defaults:</c> reads the workspace's file when it exists and falls back to
/// this copy otherwise (reported as <c>builtin:plan/defaults/...</c>); workspace templates may
/// write them out so users can read and change them.
/// </summary>
public static class PlanDefaults
{
    /// <summary>The defaults files' text by workspace-relative path.</summary>
    public static ImmutableSortedDictionary<string, string> Files { get; } = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
    [
        new KeyValuePair<string, string>("plan/defaults/aggregator.yaml", """
            settings:
              init_state_path: save/init.pbuf
              best_state_path: save/best.pbuf
              last_state_path: save/last.pbuf
              write_logs: false

            """),
        new("plan/defaults/collaborator.yaml", """
            settings:
              delta_updates: false
              opt_treatment: RESET

            """),
        new("plan/defaults/data_loader.yaml", """
            settings:
              batch_size: 32

            """),
        new("plan/defaults/task_runner.yaml", """
            settings: {}

            """),
        new("plan/defaults/network.yaml", """
            settings:
              agg_addr: auto
              agg_port: 50051
              tls: true
              insecure: false
              client_reconnect_interval: 5
              client_reconnect_timeout: 3600
              cert_folder: cert
              limits:
                max_message_size: 16777216
                max_total_upload_size: 2147483648
                chunk_size: 65536
                max_requests_per_second: 50
                request_burst: 100
                max_upload_bytes_per_second: 0

            """),
        new("plan/defaults/assigner.yaml", """
            template: RandomGroupedAssigner
            settings:
              task_groups:
                - name: learning
                  percentage: 1.0
                  tasks:
                    - aggregated_model_validation
                    - train
                    - locally_tuned_model_validation

            """),
        new("plan/defaults/tasks_torch.yaml", """
            aggregated_model_validation:
              function: validate_task
              kwargs:
                apply: global
                metrics:
                  - acc

            locally_tuned_model_validation:
              function: validate_task
              kwargs:
                apply: local
                metrics:
                  - acc

            train:
              function: train_task
              kwargs:
                metrics:
                  - loss
                epochs: 1

            """),
        new("plan/defaults/strategy.yaml", """
            template: fedavg

            """),
        new("plan/defaults/straggler_handling_policy.yaml", """
            template: WaitForAll

            """),
        new("plan/defaults/compression_pipeline.yaml", """
            stages: []

            """),
    ]);
}
