using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Confidant.Web.Auth;

/// <summary>
/// spec §2.5 USERS_FILE: a YAML list of e-mails, or a mapping whose keys are e-mails (e-mail → name). The original
/// re-reads it on every check, so an edit takes effect without a restart; so does this.
/// </summary>
internal static class AllowedUsersFile
{
    private const long MaxBytes = 1024 * 1024;

    /// <summary>The e-mails in the file, lower-cased. Throws <see cref="InvalidDataException"/> for other shapes.</summary>
    public static IReadOnlySet<string> Read(string path)
    {
        var file = new FileInfo(path);
        if (file.Length > MaxBytes)
        {
            throw new InvalidDataException($"the file is larger than {MaxBytes} bytes.");
        }

        var yaml = new YamlStream();
        try
        {
            using var reader = file.OpenText();
            yaml.Load(reader);
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"not valid YAML (line {e.Start.Line}).", e);
        }

        // An empty file lists nobody.
        var root = yaml.Documents.FirstOrDefault()?.RootNode;
        IEnumerable<YamlNode> entries = root switch
        {
            null => [],
            YamlSequenceNode list => list.Children,
            YamlMappingNode map => map.Children.Keys,
            YamlScalarNode { Value: null or "" or "~" or "null" } => [],
            _ => throw new InvalidDataException("expected a list of e-mails or a mapping of e-mail to name."),
        };

        var emails = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries)
        {
            if (entry is not YamlScalarNode { Value: { Length: > 0 } value })
            {
                throw new InvalidDataException("every entry must be an e-mail address.");
            }

            emails.Add(value.Trim().ToLowerInvariant());
        }

        return emails;
    }
}
