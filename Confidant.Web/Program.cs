using Confidant.Services;
using Confidant.Web;
using Confidant.Web.Commands;
using Confidant.Web.Configuration;

var builder = WebApplication.CreateBuilder(args);
builder.AddConfidantConfiguration();
builder.AddConfidantServices();
builder.AddConfidantWeb();

var app = builder.Build();
if (args is [TokenCommand.Name, ..])
{
    return await TokenCommand.RunAsync(app.Services, args, Console.Out, Console.Error);
}

if (args is [JwtRotateCommand.Name, ..])
{
    return await JwtRotateCommand.RunAsync(app.Services, args, Console.Out, Console.Error);
}

app.UseConfidantPipeline();
app.MapConfidantEndpoints();
await app.RunAsync();
return 0;
