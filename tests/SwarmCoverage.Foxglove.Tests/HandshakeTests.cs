using System.Text.Json;
using SwarmCoverage.Foxglove.Tests.Infrastructure;

namespace SwarmCoverage.Foxglove.Tests;

/// <summary>Subprotocol negotiation, the token, the loopback rule and TLS, against node clients.</summary>
public sealed class HandshakeTests
{
    [Theory]
    [InlineData("foxglove.sdk.v1", "foxglove.sdk.v1")]
    [InlineData("foxglove.websocket.v1", "foxglove.websocket.v1")]
    [InlineData("foxglove.websocket.v1,foxglove.sdk.v1", "foxglove.sdk.v1")]
    [InlineData("chat,foxglove.websocket.v1", "foxglove.websocket.v1")]
    public async Task The_offered_subprotocol_is_selected_preferring_sdk_v1(string offered, string selected)
    {
        await using FoxgloveServer server = await Servers.StartAsync();
        server.AddChannel(Servers.Odom);
        using NodeScript client = Raw(server.Url.ToString(), offered);
        Assert.Equal(selected, (await client.NextAsync("open")).Text("protocol"));
        Assert.Equal("serverInfo", (await client.NextAsync("json")).GetProperty("message").Text("op"));
        Assert.Equal("advertise", (await client.NextAsync("json")).GetProperty("message").Text("op"));
        Assert.Equal(selected, Assert.Single(server.GetClientStats()).Subprotocol);
    }

    [Theory]
    [InlineData("")]
    [InlineData("chat")]
    [InlineData("foxglove.websocket.v2")]
    public async Task A_client_offering_neither_subprotocol_is_refused(string offered)
    {
        await using FoxgloveServer server = await Servers.StartAsync();
        using NodeScript client = Raw(server.Url.ToString(), offered);
        JsonElement http = await client.NextAsync("http");
        Assert.Equal(400, http.Int("status"));
        Assert.Contains("foxglove.sdk.v1", http.Text("body"), StringComparison.Ordinal);
        Assert.Equal(0, server.ClientCount);
    }

    [Fact]
    public async Task With_a_token_a_client_needs_it_else_401()
    {
        const string token = "s3cret-token-of-the-field-network";
        await using FoxgloveServer server = await Servers.StartAsync(o => o.Token = token);
        string url = server.Url.ToString();

        using (NodeScript none = Raw(url, "foxglove.sdk.v1"))
        {
            Assert.Equal(401, (await none.NextAsync("http")).Int("status"));
        }

        foreach (string wrong in new[] { "wrong", token + "x", token[..^1], "" })
        {
            using NodeScript bad = Raw($"{url}?token={Uri.EscapeDataString(wrong)}", "foxglove.sdk.v1");
            Assert.Equal(401, (await bad.NextAsync("http")).Int("status"));
        }

        using (NodeScript twice = Raw($"{url}?token={token}&token={token}", "foxglove.sdk.v1"))
        {
            Assert.Equal(401, (await twice.NextAsync("http")).Int("status"));
        }

        Assert.Equal(0, server.ClientCount);
        using NodeScript good = NodeScript.Start("foxglove-client.mjs", $"{url}?token={token}");
        Assert.Equal("test server", (await good.NextAsync("serverInfo")).Text("name"));
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("192.168.1.20")]
    public async Task A_non_loopback_address_without_a_token_refuses_to_start(string address)
    {
        await using FoxgloveServer server = new(new FoxgloveServerOptions { Address = address, Port = 0 });
        InvalidOperationException e = await Assert.ThrowsAsync<InvalidOperationException>(() => server.StartAsync());
        Assert.Contains("needs a token", e.Message, StringComparison.Ordinal);
        Assert.Contains(address, e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => server.Port);
    }

    [Fact]
    public async Task A_host_name_other_than_localhost_is_refused()
    {
        await using FoxgloveServer server = new(new FoxgloveServerOptions { Address = "robot.example", Port = 0, Token = "t" });
        await Assert.ThrowsAsync<ArgumentException>(() => server.StartAsync());
    }

    [Fact]
    public async Task Localhost_and_IPv6_loopback_start_without_a_token()
    {
        await using FoxgloveServer v4 = await Servers.StartAsync(o => o.Address = "localhost");
        Assert.Equal("127.0.0.1", v4.Url.Host);
        await using FoxgloveServer v6 = await Servers.StartAsync(o => o.Address = "::1");
        Assert.Equal("[::1]", v6.Url.Host);
        using NodeScript client = NodeScript.Start("foxglove-client.mjs", v6.Url.ToString());
        await client.NextAsync("serverInfo");
    }

    [Fact]
    public async Task A_taken_port_is_a_clear_error()
    {
        await using FoxgloveServer first = await Servers.StartAsync();
        await using FoxgloveServer second = new(new FoxgloveServerOptions { Port = first.Port });
        InvalidOperationException e = await Assert.ThrowsAsync<InvalidOperationException>(() => second.StartAsync());
        Assert.Contains(first.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_are_checked()
    {
        Assert.Throws<ArgumentException>(() => new FoxgloveServer(new FoxgloveServerOptions { TlsCertificatePath = "cert.pem" }));
        Assert.Throws<ArgumentException>(() => new FoxgloveServer(new FoxgloveServerOptions { Token = "" }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FoxgloveServer(new FoxgloveServerOptions { Port = 70000 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FoxgloveServer(new FoxgloveServerOptions { SendQueueMaxMessages = 0 }));
    }

    [Fact]
    public async Task TLS_serves_wss_to_a_client_trusting_the_test_certificate_and_nothing_in_plain_text()
    {
        using TestCertificate cert = TestCertificate.Create();
        await using FoxgloveServer server = await Servers.StartAsync(o =>
        {
            o.TlsCertificatePath = cert.CertificatePath;
            o.TlsKeyPath = cert.KeyPath;
            o.Token = "tls-token";
        });
        server.AddChannel(Servers.Odom);
        Assert.Equal("wss", server.Url.Scheme);
        Dictionary<string, string> trust = new() { ["NODE_EXTRA_CA_CERTS"] = cert.CertificatePath };

        using (NodeScript client = NodeScript.Start("foxglove-client.mjs", server.Url + "?token=tls-token", trust))
        {
            Assert.Equal("foxglove.websocket.v1", (await client.NextAsync("open")).Text("protocol"));
            await client.NextAsync("advertise");
            client.Send(new { cmd = "subscribe", topic = "/robot_0/odom" });
            uint sub = (await client.NextAsync("subscribed")).GetProperty("id").GetUInt32();
            await Servers.UntilAsync(() => server.HasSubscribers(1), "the subscription", client);
            server.Publish(1, 77, [1, 2]);
            JsonElement m = await client.NextAsync("message");
            Assert.Equal(sub, m.GetProperty("subscriptionId").GetUInt32());
            Assert.Equal("0102", m.Text("payload"));
        }

        // The token still applies over TLS.
        using (NodeScript noToken = Raw(server.Url.ToString(), "foxglove.sdk.v1", trust))
        {
            Assert.Equal(401, (await noToken.NextAsync("http")).Int("status"));
        }

        // Without trusting the certificate the handshake fails; plain ws:// on the same port gets no WebSocket.
        using (NodeScript untrusting = Raw(server.Url + "?token=tls-token", "foxglove.sdk.v1"))
        {
            Assert.Contains("certificate", (await untrusting.NextAsync("error")).Text("message"), StringComparison.OrdinalIgnoreCase);
        }

        using (NodeScript plain = Raw($"ws://127.0.0.1:{server.Port}/?token=tls-token", "foxglove.sdk.v1"))
        {
            await plain.WaitForExitAsync();
            Assert.Empty(plain.All("open"));
            Assert.Empty(plain.All("json"));
            Assert.NotEmpty(plain.All("error").Concat(plain.All("http")));
        }
    }

    private static NodeScript Raw(string url, string protocols, Dictionary<string, string>? extra = null)
    {
        Dictionary<string, string> env = new(extra ?? []) { ["FOXGLOVE_PROTOCOLS"] = protocols };
        return NodeScript.Start("foxglove-raw.mjs", url, env);
    }
}
