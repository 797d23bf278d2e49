using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.FileProviders;
using SwarmCoverage.Foxglove.Tests.Infrastructure;

namespace SwarmCoverage.Foxglove.Tests;

/// <summary>The static content hook: embedded files at / on the WebSocket's port, without the token.</summary>
public sealed class StaticContentTests
{
    private static readonly EmbeddedFileProvider Assets = new(typeof(StaticContentTests).Assembly, "SwarmCoverage.Foxglove.Tests.StaticAssets");

    [Fact]
    public async Task Files_are_served_with_content_types_revalidation_headers_and_without_the_token()
    {
        await using FoxgloveServer server = await Servers.StartAsync(o =>
        {
            o.StaticFiles = Assets;
            o.Token = "console-token";
        });
        using HttpClient http = new() { BaseAddress = new Uri($"http://127.0.0.1:{server.Port}/") };

        using HttpResponseMessage index = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("text/html; charset=utf-8", index.Content.Headers.ContentType?.ToString());
        Assert.True(index.Headers.CacheControl?.NoCache, index.Headers.ToString());
        Assert.Equal("nosniff", index.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("test console", await index.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        EntityTagHeaderValue etag = index.Headers.ETag ?? throw new InvalidOperationException("no ETag");

        using HttpResponseMessage script = await http.GetAsync("/app.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript; charset=utf-8", script.Content.Headers.ContentType?.ToString());

        using HttpRequestMessage again = new(HttpMethod.Get, "/index.html");
        again.Headers.IfNoneMatch.Add(etag);
        using HttpResponseMessage notModified = await http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        using HttpResponseMessage missing = await http.GetAsync("/nope.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        // The page loads without the token; the WebSocket on the same port still needs it.
        using NodeScript ws = NodeScript.Start("foxglove-raw.mjs", server.Url.ToString());
        Assert.Equal(401, (await ws.NextAsync("http")).Int("status"));
    }

    [Fact]
    public async Task Without_static_files_plain_HTTP_gets_404()
    {
        await using FoxgloveServer server = await Servers.StartAsync();
        using HttpClient http = new();
        using HttpResponseMessage response = await http.GetAsync(new Uri($"http://127.0.0.1:{server.Port}/"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
