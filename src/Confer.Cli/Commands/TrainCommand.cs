using System.CommandLine;

namespace Confer.Cli.Commands;

/// <summary><c>confer train</c>: the centralized baseline (one site, all data).</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var epochs = new Option<int>("--epochs") { Description = "Epochs to train.", DefaultValueFactory = _ => 5 };
        var command = new Command("train", "Train the OpenFL tutorial CNN on Fashion-MNIST in one process (the centralized baseline).") { epochs };
        command.SetAction((parseResult, cancellationToken) =>
        {
            Console.WriteLine($"epochs {parseResult.GetValue(epochs)}");
            return Task.FromResult(0);
        });
        return command;
    }
}
