using LastKnownGood.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

// A Generic Host made for lkg with LastKnownGood.Hosting: READY=1 once started, its health checks
// as STATUS= and WATCHDOG=1 while they pass, and the boot reported good the first time they do.
// Its one check fails while the file --SickWhile names exists, to show a host that is up but not well.
var builder = Host.CreateApplicationBuilder(args);
var sickWhile = builder.Configuration["SickWhile"];
builder.Services.AddHealthChecks().AddCheck("work", () => sickWhile is not null && File.Exists(sickWhile)
    ? HealthCheckResult.Unhealthy($"{sickWhile} exists")
    : HealthCheckResult.Healthy(), timeout: TimeSpan.FromSeconds(5));
builder.Services.AddLastKnownGood(options => options.ReportBootOkWhenHealthy = true);
using var host = builder.Build();
await host.RunAsync();
Console.WriteLine("HealthCheckedWorker: the host has stopped");
