namespace Confer.Data;

/// <summary>A data set's files were found in none of the places searched.</summary>
public class DatasetNotFoundException : FileNotFoundException
{
    /// <summary>Creates the exception.</summary>
    public DatasetNotFoundException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">Where the files were looked for and how to install them.</param>
    public DatasetNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">Where the files were looked for and how to install them.</param>
    /// <param name="innerException">The cause.</param>
    public DatasetNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a message and the folders that were searched.</summary>
    /// <param name="message">Where the files were looked for and how to install them.</param>
    /// <param name="searchedDirectories">The folders searched, in search order.</param>
    public DatasetNotFoundException(string message, IReadOnlyList<string> searchedDirectories)
        : base(message)
    {
        ArgumentNullException.ThrowIfNull(searchedDirectories);
        SearchedDirectories = searchedDirectories.ToArray();
    }

    /// <summary>The folders searched, in search order; empty when not given.</summary>
    public IReadOnlyList<string> SearchedDirectories { get; } = [];
}
