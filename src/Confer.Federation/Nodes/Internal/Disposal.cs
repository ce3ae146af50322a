namespace Confer.Federation.Nodes.Internal;

/// <summary>Disposes what a node made (a client, a handler) the way it asks to be: asynchronously when it can.</summary>
internal static class Disposal
{
    public static async ValueTask DisposeAsync(object? value)
    {
        switch (value)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}
