namespace Confer.Cli.Commands.Lifecycle;

/// <summary>The exit codes of the lifecycle commands, so scripts can tell a refusal from a usage mistake.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command was understood but refused or failed (a missing CA, a bad plan, a hash mismatch).</summary>
    public const int Failed = 1;

    /// <summary>The command's input was wrong (a missing value with no terminal to ask, an unknown template).</summary>
    public const int Usage = 2;
}
