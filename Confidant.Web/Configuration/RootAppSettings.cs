using Microsoft.Extensions.Configuration.Json;

namespace Confidant.Web.Configuration;

public static class RootAppSettings
{
    private const string FileName = "appsettings.json";

    /// <summary>
    /// Adds the repository-root appsettings.json (copied next to the binaries) at the precedence of the default
    /// appsettings.json source, so environment variables and the command line still override it.
    /// </summary>
    public static WebApplicationBuilder AddRootAppSettings(this WebApplicationBuilder builder)
    {
        // `dotnet run --project Confidant.Web` uses the project folder as content root, where the file is only
        // linked, not present; see docs/decisions/0002-root-appsettings.md.
        var sources = builder.Configuration.Sources;
        var rootFile = new JsonConfigurationSource
        {
            Path = Path.Combine(AppContext.BaseDirectory, FileName),
            Optional = true,
            ReloadOnChange = false,
        };
        rootFile.ResolveFileProvider();

        var defaultIndex = IndexOfDefaultAppSettings(sources);
        sources.Insert(defaultIndex + 1, rootFile);
        return builder;
    }

    private static int IndexOfDefaultAppSettings(IList<IConfigurationSource> sources)
    {
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource { Path: FileName })
            {
                return i;
            }
        }

        // No default JSON source (custom host): lowest precedence.
        return -1;
    }
}
