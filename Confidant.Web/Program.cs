using Confidant.Services;
using Confidant.Web;
using Confidant.Web.Configuration;

var builder = WebApplication.CreateBuilder(args);
builder.AddRootAppSettings();
builder.AddConfidantServices();
builder.AddConfidantWeb();

var app = builder.Build();
app.UseConfidantPipeline();
app.MapConfidantEndpoints();
await app.RunAsync();
