using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace LastKnownGood.Hosting;

/// <summary>Registers <see cref="LastKnownGoodHostedService"/>: a Generic Host supervised as a service by lkg.</summary>
public static class LastKnownGoodHostingExtensions
{
    /// <summary>Reports the host to lkg (or any sd_notify service manager) when <c>NOTIFY_SOCKET</c> is set; does nothing otherwise.</summary>
    public static IHostBuilder UseLastKnownGood(this IHostBuilder builder, Action<LastKnownGoodOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.ConfigureServices((_, services) => services.AddLastKnownGood(configure));
    }

    /// <summary>As <see cref="UseLastKnownGood"/>, for <c>Host.CreateApplicationBuilder</c>'s services.</summary>
    public static IServiceCollection AddLastKnownGood(this IServiceCollection services, Action<LastKnownGoodOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<LastKnownGoodOptions>().Configure(configure ?? (_ => { }));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ServiceManagerNotifier>();
        services.AddHostedService<LastKnownGoodHostedService>();
        return services;
    }
}
