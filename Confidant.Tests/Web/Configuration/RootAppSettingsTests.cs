using Confidant.Web.Configuration;
using Microsoft.AspNetCore.Builder;

namespace Confidant.Tests.Web.Configuration;

public sealed class RootAppSettingsTests : IDisposable
{
    // An empty content root: the default appsettings.json source finds nothing there, so any value seen comes from
    // the root file copied next to the binaries.
    private readonly DirectoryInfo _contentRoot = Directory.CreateTempSubdirectory("confidant-root-");

    public void Dispose() => _contentRoot.Delete(recursive: true);

    [Fact]
    public void AddRootAppSettings_NothingOverrides_RootFileValuesAreSeen()
    {
        var builder = CreateBuilder([]);

        builder.AddRootAppSettings();

        Assert.Equal("Sqlite", builder.Configuration["Storage:Provider"]);
        Assert.Equal("Local", builder.Configuration["Kms:Provider"]);

        // The sign-in is never chosen by the shipped file: outside the Development environment it must be set.
        Assert.Null(builder.Configuration["Auth:Mode"]);
    }

    [Fact]
    public void AddRootAppSettings_CommandLineAndEnvironment_OverrideRootFile()
    {
        var builder = CreateBuilder(["--Storage:Provider=DynamoDb"]);

        builder.AddRootAppSettings();

        Assert.Equal("DynamoDb", builder.Configuration["Storage:Provider"]);
        // Environment variables are read by a source that must sit after the root file, as for the default file.
        var sources = builder.Configuration.Sources.Select(source => source.GetType().Name).ToList();
        var rootIndex = sources.IndexOf("JsonConfigurationSource");
        Assert.True(rootIndex >= 0);
        Assert.True(sources.LastIndexOf("EnvironmentVariablesConfigurationSource") > sources.LastIndexOf("JsonConfigurationSource"));
        Assert.True(sources.LastIndexOf("CommandLineConfigurationSource") > sources.LastIndexOf("JsonConfigurationSource"));
    }

    private WebApplicationBuilder CreateBuilder(string[] args) =>
        WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = _contentRoot.FullName });
}
