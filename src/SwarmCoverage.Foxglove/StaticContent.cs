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
                },
            });
        }

        app.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
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
