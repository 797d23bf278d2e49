using System.Buffers.Binary;
using System.Text.Json;
using SwarmCoverage.Foxglove.Tests.Infrastructure;
using SwarmCoverage.Nodes;
using SwarmCoverage.Nodes.Live;

namespace SwarmCoverage.App.Tests.Live;

/// <summary>
/// The operator console (docs/console.md) in Debian's chromium, headless, driven by puppeteer-core
/// (tests/js/console-browser.mjs) against <c>simulate --live</c>; what the page does is checked by an independent
/// observer on the same server, Foxglove's own client with its ROS 2 codec. The screenshots the README links are the
/// ones this test writes (into <c>SWARM_COVERAGE_SCREENSHOTS</c> when set, docs/images for the README).
/// </summary>
[Collection(ConsoleBrowserCollection.Name)]
public sealed class ConsoleBrowserTests
{
    private static readonly TimeSpan BrowserTimeout = TimeSpan.FromSeconds(200);

    /// <summary>16 robots on a 3 m x 2 m arena, two blobs, for ten simulated minutes (the test stops it sooner).</summary>
    private static string Field(int robots = 16) => SimulateTests.Small
        .Replace("duration_s: 40.0", "duration_s: 600.0", StringComparison.Ordinal)
        .Replace("robots: 16", $"robots: {robots}", StringComparison.Ordinal);

    private static string ScreenshotDirectory()
    {
        string dir = Environment.GetEnvironmentVariable("SWARM_COVERAGE_SCREENSHOTS") is { Length: > 0 } d ? d : Path.Combine(AppContext.BaseDirectory, "console-screenshots");
        Directory.CreateDirectory(dir);
        return Path.GetFullPath(dir);
    }

    private static (int Width, int Height) PngSize(string path)
    {
        byte[] b = File.ReadAllBytes(path);
        Assert.True(b.Length > 1000 && b.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), $"{path} is not a PNG");
        return (BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(20)));
    }

    private static async Task<JsonElement> Do(NodeScript browser, object command, string op)
    {
        browser.Send(command);
        var e = await browser.NextAsync(op, BrowserTimeout);
        Assert.False(e.TryGetProperty("error", out var error), $"{op}: {error}\n{browser.Describe()}");
        return e;
    }

    [Fact]
    public async Task An_operator_in_a_browser_watches_paints_tunes_and_stops_the_swarm_on_a_laptop_and_a_phone()
    {
        await using var run = await LiveRun.StartAsync(Field(), new FoxgloveSettings { Port = LiveRun.FreePort() }, speed: 4);
        using var browser = NodeScript.Start("console-browser.mjs", run.ConsoleUrl.ToString());
        string shots = ScreenshotDirectory();
        var f = await Do(browser, new { op = "field", screenshots = shots }, "field");

        // Loaded without an error, every robot drawn (the observer counts the robots' command channels).
        Assert.True(f.GetProperty("errors").GetArrayLength() == 0, f.GetProperty("errors").ToString());
        Assert.Equal(16, f.GetProperty("observerRobots").GetInt32());
        var loaded = f.GetProperty("loaded");
        Assert.True(loaded.GetProperty("connected").GetBoolean());
        Assert.Equal(16, loaded.GetProperty("robots").GetInt32());
        Assert.Equal(16, loaded.GetProperty("drawn").GetInt32());
        Assert.Equal("16", loaded.GetProperty("summaryRobots").GetString());
        Assert.Equal("SwarmCoverage console", f.GetProperty("title").GetString());
        Assert.InRange(f.GetProperty("bytesServed").GetInt32(), 10_000, 300_000); // "a few hundred kB at most"

        // A tap on a robot names it, with its state and pose.
        var tapped = f.GetProperty("tapped");
        Assert.False(tapped.GetProperty("hidden").GetBoolean(), tapped.ToString());
        Assert.Equal("robot_00", tapped.GetProperty("robot").GetString());
        Assert.Matches(@"^robot_00: active, at \(\d+\.\d\d, \d+\.\d\d\) m, heading -?\d+°, pose \d+\.\d\d s old$", tapped.GetProperty("text").GetString());

        // A parameter typed in is applied (the observer reads it back); a refused one shows the server's reason and snaps back.
        Assert.Equal("applied", f.GetProperty("applied").GetProperty("row").GetProperty("state").GetString());
        Assert.Equal(0.3, f.GetProperty("applied").GetProperty("observer").GetDouble());
        var refused = f.GetProperty("refused");
        Assert.Equal("refused", refused.GetProperty("row").GetProperty("state").GetString());
        Assert.Contains("'safety.radius_m' is -1; allowed range [0, 100]", refused.GetProperty("row").GetProperty("result").GetString(), StringComparison.Ordinal);
        Assert.Equal("0.22", refused.GetProperty("row").GetProperty("value").GetString());
        Assert.Equal(0.22, refused.GetProperty("observer").GetDouble());

        // The server's status message is listed, and goes when dismissed.
        static int Refusals(JsonElement list) => list.EnumerateArray().Count(m => m.GetProperty("level").GetString() == "2" && m.GetProperty("text").GetString()!.StartsWith("parameters not set", StringComparison.Ordinal));
        Assert.Equal(1, Refusals(f.GetProperty("messages")));
        Assert.Equal(0, Refusals(f.GetProperty("messagesAfterDismiss")));

        // A mixture component dragged on the map: the controller's target.means follow it (to a millimetre), the other stays.
        var drag = f.GetProperty("drag");
        double[] from = [.. drag.GetProperty("from").EnumerateArray().Select(x => x.GetDouble())];
        double[] to = [.. drag.GetProperty("to").EnumerateArray().Select(x => x.GetDouble())];
        double[] seen = [.. drag.GetProperty("observed").EnumerateArray().Select(x => x.GetDouble())];
        Assert.Equal([0.9, 1.1, 2.2, 0.9], from);
        Assert.Equal(to[0], seen[0], 0.02);
        Assert.Equal(to[1], seen[1], 0.02);
        Assert.Equal(from[2..], seen[2..]);
        Assert.True(drag.GetProperty("newMap").GetBoolean(), "no new target map after the component moved");

        // The painted target reached the controller: the target map it publishes is the painting (the stroke that was
        // undone is not in it, the spot erased is empty), and the robots move toward it.
        var map = f.GetProperty("paintedMap");
        var at = f.GetProperty("paintAt");
        Assert.True(map.GetProperty("nearPaint").GetDouble() > 0.95, map.ToString());
        Assert.True(map.GetProperty("nearPaintBefore").GetDouble() < 0.5, map.ToString());
        Assert.Equal(0.0, map.GetProperty("nearUndone").GetDouble());
        Assert.True(map.GetProperty("erasedCentre").GetInt32() <= 10 && map.GetProperty("paintedRing").GetInt32() >= 80, map.ToString()); // the erased spot
        Assert.Equal(at.GetProperty("x").GetDouble(), map.GetProperty("x").GetDouble(), 0.15);
        Assert.Equal(at.GetProperty("y").GetDouble(), map.GetProperty("y").GetDouble(), 0.15);
        Assert.Contains("took the painted target", f.GetProperty("paintNote").GetString(), StringComparison.Ordinal);
        // The safety radius keeps 16 robots from all fitting in the disc: 9 or 10 of them settle in it (measured).
        var approach = f.GetProperty("approach");
        Assert.True(approach.GetProperty("shareBefore").GetDouble() <= 0.35 && approach.GetProperty("shareAfter").GetDouble() >= 0.5, approach.ToString());
        Assert.True(approach.GetProperty("after").GetDouble() < 0.75 * approach.GetProperty("before").GetDouble(), approach.ToString());

        // An empty painting is refused by the server's door, and the page says why.
        var empty = f.GetProperty("emptyNote");
        Assert.Equal("error", empty.GetProperty("kind").GetString());
        Assert.Contains("the grid has nothing to cover", empty.GetProperty("text").GetString(), StringComparison.Ordinal);

        // A 360 px phone: nothing wider than the screen, the stop button on screen before and after scrolling.
        var phone = f.GetProperty("phone");
        Assert.True(phone.GetProperty("scrollWidth").GetInt32() <= 360, phone.ToString());
        Assert.True(phone.GetProperty("stopOnScreen").GetBoolean());
        Assert.True(phone.GetProperty("stopOnScreenScrolled").GetBoolean());
        Assert.Equal(16, phone.GetProperty("robots").GetInt32());

        Assert.Equal((1280, 800), PngSize(f.GetProperty("laptopScreenshot").GetString()!));
        Assert.Equal((720, 1480), PngSize(f.GetProperty("phoneScreenshot").GetString()!));
        Assert.True(run.IsRunning);
        browser.Send(new { op = "close" });
        await browser.NextAsync("closed", BrowserTimeout);
    }

    [Fact]
    public async Task The_emergency_stop_is_one_tap_zeroes_every_command_within_two_ticks_and_its_release_needs_a_confirmation()
    {
        // Real time (ticks every 50 ms), as on a testbed.
        await using var run = await LiveRun.StartAsync(Field(), new FoxgloveSettings { Port = LiveRun.FreePort() }, speed: 1);
        using var browser = NodeScript.Start("console-browser.mjs", run.ConsoleUrl.ToString());
        var e = await Do(browser, new { op = "estop" }, "estop");
        Assert.True(e.GetProperty("errors").GetArrayLength() == 0, e.GetProperty("errors").ToString());

        // The emergency stop: in force at the controller within a few ticks of the tick the page showed when tapped
        // (two on an idle machine; the socket and a loaded CI machine add some), and from that tick every robot's
        // command is zero.
        var estop = e.GetProperty("estop");
        long clicked = estop.GetProperty("clickedAt").GetInt64();
        Assert.True(estop.GetProperty("firstZeroTick").ValueKind == JsonValueKind.Number, estop.ToString());
        Assert.True(estop.GetProperty("inForceTick").ValueKind == JsonValueKind.Number, estop.ToString());
        long inForce = estop.GetProperty("inForceTick").GetInt64();
        Assert.InRange(inForce, clicked + 1, clicked + 10);
        Assert.InRange(estop.GetProperty("firstZeroTick").GetInt64(), clicked + 1, inForce);
        Assert.Equal("RELEASE", estop.GetProperty("button").GetString());
        Assert.Contains("EMERGENCY STOP", estop.GetProperty("banner").GetString(), StringComparison.Ordinal);

        // Releasing needs a confirmation: "Keep stopped" keeps every command zero; "Release" moves the robots again.
        Assert.True(e.GetProperty("dialogOpen").GetBoolean());
        var cancel = e.GetProperty("afterCancel");
        Assert.True(cancel.GetProperty("estop").GetBoolean());
        Assert.False(cancel.GetProperty("dialogOpen").GetBoolean());
        Assert.True(cancel.GetProperty("nonzero").GetArrayLength() >= 3, cancel.ToString());
        Assert.All(cancel.GetProperty("nonzero").EnumerateArray(), n => Assert.Equal(0, n.GetInt32()));
        Assert.True(e.GetProperty("afterRelease").GetProperty("moving").GetBoolean());
        // Esc on the release dialog of a second stop, after a confirmed release: still stopped, every command zero.
        var escape = e.GetProperty("afterEscape");
        Assert.True(escape.GetProperty("dialogWasOpen").GetBoolean());
        Assert.True(escape.GetProperty("estop").GetBoolean());
        Assert.True(escape.GetProperty("nonzero").GetArrayLength() >= 3, escape.ToString());
        Assert.All(escape.GetProperty("nonzero").EnumerateArray(), n => Assert.Equal(0, n.GetInt32()));

        browser.Send(new { op = "close" });
        await browser.NextAsync("closed", BrowserTimeout);
    }

    [Fact]
    public async Task A_page_without_the_token_asks_for_it_keeps_it_out_of_the_address_bar_and_reconnects_after_a_restart()
    {
        const string token = "field-token-7";
        int port = LiveRun.FreePort();
        var settings = new FoxgloveSettings { Port = port, Token = token };
        var run = await LiveRun.StartAsync(Field(), settings, speed: 1);
        try
        {
            using var browser = NodeScript.Start("console-browser.mjs", run.ConsoleUrl.ToString());
            var t = await Do(browser, new { op = "token", token }, "token");
            Assert.Contains("needs a token", t.GetProperty("asked").GetProperty("banner").GetString(), StringComparison.Ordinal);
            Assert.Equal("refused", t.GetProperty("asked").GetProperty("conn").GetString());
            Assert.True(t.GetProperty("connected").GetProperty("connected").GetBoolean());
            Assert.Equal(16, t.GetProperty("connected").GetProperty("robots").GetInt32());
            Assert.Equal(token, t.GetProperty("stored").GetString());
            Assert.DoesNotContain(token, t.GetProperty("url").GetString(), StringComparison.Ordinal);
            Assert.DoesNotContain("token", t.GetProperty("urlWithToken").GetProperty("immediately").GetString(), StringComparison.Ordinal);
            Assert.Equal(token, t.GetProperty("urlWithToken").GetProperty("stored").GetString());
            Assert.True(t.GetProperty("errors").GetArrayLength() == 0, t.GetProperty("errors").ToString());

            // The controller goes away: the page says so at once; it comes back on the same port: the page is back.
            await run.DisposeAsync();
            var lost = await Do(browser, new { op = "lost" }, "lost");
            Assert.False(lost.GetProperty("state").GetProperty("connected").GetBoolean());
            // A stop tapped while disconnected is not sent, and the page says so in the banner.
            Assert.Equal("alarm", lost.GetProperty("afterTap").GetProperty("kind").GetString());
            Assert.Contains("emergency stop was NOT sent (not connected)", lost.GetProperty("afterTap").GetProperty("text").GetString(), StringComparison.Ordinal);
            run = await LiveRun.StartAsync(Field(), settings, speed: 1);
            var back = await Do(browser, new { op = "reconnected" }, "reconnected");
            Assert.True(back.GetProperty("state").GetProperty("connected").GetBoolean());
            Assert.Equal(16, back.GetProperty("state").GetProperty("robots").GetInt32());
            browser.Send(new { op = "close" });
            await browser.NextAsync("closed", BrowserTimeout);
        }
        finally
        {
            await run.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_console_runs_in_Firefox_ESR_too_on_a_phone_screen()
    {
        await using var run = await LiveRun.StartAsync(Field(), new FoxgloveSettings { Port = LiveRun.FreePort() }, speed: 1);
        using var browser = NodeScript.Start("console-browser.mjs", run.ConsoleUrl.ToString());
        var f = await Do(browser, new { op = "firefox", count = 16, screenshots = ScreenshotDirectory() }, "firefox");
        Assert.StartsWith("firefox/", f.GetProperty("version").GetString(), StringComparison.Ordinal);
        Assert.True(f.GetProperty("state").GetProperty("connected").GetBoolean());
        Assert.Equal(16, f.GetProperty("state").GetProperty("drawn").GetInt32());
        Assert.True(f.GetProperty("scrollWidth").GetInt32() <= 360);
        Assert.True(f.GetProperty("stopOnScreen").GetBoolean());
        Assert.True(f.GetProperty("errors").GetArrayLength() == 0, f.GetProperty("errors").ToString());
        Assert.Equal((360, 740), PngSize(f.GetProperty("screenshot").GetString()!));
    }

    [Fact]
    public async Task With_TLS_the_console_is_served_over_https_and_connects_over_wss()
    {
        using var cert = TestCertificate.Create();
        await using var run = await LiveRun.StartAsync(Field(), new FoxgloveSettings { Port = LiveRun.FreePort(), TlsCertificatePath = cert.CertificatePath, TlsKeyPath = cert.KeyPath }, speed: 1);
        Assert.Equal("https", run.ConsoleUrl.Scheme);
        using var browser = NodeScript.Start("console-browser.mjs", run.ConsoleUrl.ToString());
        var r = await Do(browser, new { op = "robots", count = 16, insecure = true }, "robots");
        Assert.StartsWith("https://127.0.0.1:", r.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.True(r.GetProperty("state").GetProperty("connected").GetBoolean());
        Assert.True(r.GetProperty("errors").GetArrayLength() == 0, r.GetProperty("errors").ToString());
        browser.Send(new { op = "close" });
        await browser.NextAsync("closed", BrowserTimeout);
    }

    [Fact]
    public async Task A_thousand_robots_are_all_drawn()
    {
        // launch/bench_1000.yaml's swarm: what the README's frame-time figure is measured on (tests/js/console-frames.mjs).
        string yaml = File.ReadAllText(Path.Combine(Repo.Root, "launch", "bench_1000.yaml"));
        await using var run = await LiveRun.StartAsync(yaml, new FoxgloveSettings { Port = LiveRun.FreePort() }, speed: 1);
        using var browser = NodeScript.Start("console-browser.mjs", run.ConsoleUrl.ToString());
        var r = await Do(browser, new { op = "robots", count = 1000 }, "robots");
        Assert.Equal(1000, r.GetProperty("state").GetProperty("drawn").GetInt32());
        Assert.True(r.GetProperty("errors").GetArrayLength() == 0, r.GetProperty("errors").ToString());
        browser.Send(new { op = "close" });
        await browser.NextAsync("closed", BrowserTimeout);
    }
}

/// <summary>The browser tests run one at a time: each starts a chromium and a live simulation on two cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleBrowserCollection
{
    public const string Name = "console browser";
}
