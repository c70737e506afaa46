using System.Net;
using System.Net.Sockets;

namespace LastKnownGood.Tests.Support;

/// <summary>Debian's nginx (<c>nginx-light</c>, which <c>.ci/run</c> installs), as the tests run it: without root, every path of its own under one prefix.</summary>
public static class Nginx
{
    public const string Program = "/usr/sbin/nginx";

    public static readonly string Missing = $"{Program} is missing; install Debian's nginx-light (apt-get install nginx-light), as .ci/run does.";

    /// <summary>An nginx.conf that runs in the foreground, keeps its files in <paramref name="prefix"/>, and listens on <paramref name="port"/> with <paramref name="server"/>'s directives.</summary>
    public static string Config(string prefix, int port, string server) => $$"""
        daemon off;
        worker_processes 1;
        pid {{prefix}}/nginx.pid;
        error_log stderr;
        events { worker_connections 64; }
        http {
            access_log off;
            client_body_temp_path {{prefix}}/body;
            proxy_temp_path {{prefix}}/proxy;
            fastcgi_temp_path {{prefix}}/fastcgi;
            uwsgi_temp_path {{prefix}}/uwsgi;
            scgi_temp_path {{prefix}}/scgi;
            server {
                listen 127.0.0.1:{{port}};
                {{server}}
            }
        }

        """;

    /// <summary>A loopback TCP port nothing listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
