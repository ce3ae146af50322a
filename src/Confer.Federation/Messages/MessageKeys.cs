namespace Confer.Federation.Messages;

/// <summary>Keys with one meaning in every message.</summary>
public static class MessageKeys
{
    /// <summary>In an evaluate reply's metrics: the evaluation loss.</summary>
    public const string Loss = "loss";

    /// <summary>In a task's config: the round, from 1, as Flower's clients read it.</summary>
    public const string ServerRound = "server_round";
}
