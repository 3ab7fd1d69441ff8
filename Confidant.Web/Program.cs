using Confidant.Services;
using Confidant.Web;
using Confidant.Web.Commands;
using Confidant.Web.Configuration;

var builder = WebApplication.CreateBuilder(args);
await builder.AddConfidantConfigurationAsync();
builder.AddConfidantServices();
builder.AddConfidantWeb();

var app = builder.Build();
if (CommandLine.IsCommand(args))
{
    var exit = await CommandLine.RunAsync(app.Services, args, Console.Out, Console.Error);

    // Closes the audit chain the command wrote to; the server's run does this when it stops.
    await app.DisposeAsync();
    return exit;
}

app.UseConfidantPipeline();
app.MapConfidantEndpoints();
await app.RunAsync();
return 0;
