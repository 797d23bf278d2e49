using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace SwarmCoverage.Foxglove;

/// <summary>
/// The static content extension point (docs/foxglove.md "Static content"): files of an <see cref="IFileProvider"/>
/// served at <c>/</c> on the server's port, <c>index.html</c> for a directory, without the token (only the
/// WebSocket needs it), with content types by extension and <c>Cache-Control: no-cache</c>, so that a browser
/// revalidates with the ETag and gets 304 or the new file after an upgrade. Anything else is 404.
/// </summary>
internal static class StaticContent
{
    public const string CacheControl = "no-cache";

    public static void Map(WebApplication app, IFileProvider? files)
    {
        if (files is not null)
        {
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files, DefaultFileNames = ["index.html"] });
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = files,
                ContentTypeProvider = ContentTypes(),
                ServeUnknownFileTypes = false,
                OnPrepareResponse = ctx =>
                {
                    ctx.Context.Response.Headers.CacheControl = CacheControl;
                    ctx.Context.Response.Headers.XContentTypeOptions = "nosniff";
                    ctx.Context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy(ctx.Context.Request.Host.Value);
                },
            });
        }

        app.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// Only the server's own scripts, styles and WebSocket; no framing (a console must not be clickjacked). The
    /// WebSocket's origin is named as well as <c>'self'</c>, which some browsers do not match against ws: and wss:.
    /// </summary>
    public static string ContentSecurityPolicy(string? host)
    {
        string ws = string.IsNullOrEmpty(host) || host.Any(c => c is ' ' or ';' or ',' or '\'' or '"' || char.IsControl(c)) ? "" : $" ws://{host} wss://{host}";
        return $"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'{ws}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    }

    /// <summary>The framework's extension table, with UTF-8 named for the text types a console uses.</summary>
    public static FileExtensionContentTypeProvider ContentTypes()
    {
        FileExtensionContentTypeProvider provider = new();
        provider.Mappings[".html"] = "text/html; charset=utf-8";
        provider.Mappings[".htm"] = "text/html; charset=utf-8";
        provider.Mappings[".js"] = "text/javascript; charset=utf-8";
        provider.Mappings[".mjs"] = "text/javascript; charset=utf-8";
        provider.Mappings[".css"] = "text/css; charset=utf-8";
        provider.Mappings[".txt"] = "text/plain; charset=utf-8";
        provider.Mappings[".json"] = "application/json";
        provider.Mappings[".map"] = "application/json";
        provider.Mappings[".wasm"] = "application/wasm";
        provider.Mappings[".svg"] = "image/svg+xml";
        return provider;
    }
}
