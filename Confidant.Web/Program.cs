using Confidant.Services;

var builder = WebApplication.CreateBuilder(args);
builder.AddConfidantServices();

var app = builder.Build();
app.MapGet("/healthz", () => Results.Text("ok"));
await app.RunAsync();
