// A Foxglove WebSocket protocol client (docs/console.md "The page as a Foxglove client"): the same subprotocols,
// channels, parameters and token as any Foxglove client, so the server's one validating door sees the console as
// it sees Foxglove. It reconnects by itself and replays its subscriptions, advertisements and parameter
// subscriptions on each new connection.

export const Subprotocols = ["foxglove.sdk.v1", "foxglove.websocket.v1"];

/** Connection states, as shown by the page. */
export const State = { Connecting: "connecting", Connected: "connected", Lost: "lost", Refused: "refused" };

export class FoxgloveLink {
  /**
   * @param {() => string} url the WebSocket URL (asked again on each attempt, so a new token takes effect)
   * @param {object} on handlers: state(state, detail), serverInfo(info), advertise(channels), unadvertise(ids),
   *   message(topic, bytes, logTimeNs), status(msg), removeStatus(ids), parameterValues(params, id), time(ns)
   */
  constructor(url, on) {
    this.url = url;
    this.on = on;
    this.ws = null;
    this.channels = new Map(); // id -> channel
    this.byTopic = new Map(); // topic -> channel
    this.wanted = new Set(); // topics to subscribe to
    this.subs = new Map(); // subscription id -> topic, on the current connection
    this.subOf = new Map(); // topic -> subscription id
    this.nextSub = 1;
    this.published = new Map(); // topic -> {schemaName, encoding}
    this.clientChannels = new Map(); // topic -> client channel id, on the current connection
    this.nextClientChannel = 1;
    this.paramSubscribed = false;
    this.serverInfo = null;
    this.retryMs = 500;
    this.timer = null;
    this.everOpened = false;
    this.stopped = false;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close(1000, "console closed");
  }

  /** Drops the current connection (to reconnect at once, e.g. with a new token). */
  reconnectNow() {
    clearTimeout(this.timer);
    this.retryMs = 500;
    if (this.ws && this.ws.readyState <= 1) this.ws.close(1000, "reconnect");
    else this.connect();
  }

  connect() {
    if (this.stopped) return;
    this.on.state(State.Connecting);
    let ws;
    try {
      ws = new WebSocket(this.url(), Subprotocols);
    } catch (e) {
      this.on.state(State.Lost, String(e.message ?? e));
      this.scheduleRetry();
      return;
    }
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.everOpened = true;
      this.retryMs = 500;
    };
    ws.onmessage = (e) => {
      if (this.ws !== ws) return;
      try {
        if (typeof e.data === "string") this.onText(e.data);
        else this.onBinary(new Uint8Array(e.data));
      } catch (err) {
        this.on.status({ level: 2, message: `console: ${err.message ?? err}`, id: "console.decode" });
      }
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.resetConnection();
      if (this.stopped) return;
      if (!opened) this.on.state(State.Refused, e.reason || "");
      else this.on.state(State.Lost, e.reason || `closed (${e.code})`);
      this.scheduleRetry();
    };
  }

  scheduleRetry() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), this.retryMs);
    this.retryMs = Math.min(5000, this.retryMs * 2);
  }

  resetConnection() {
    this.channels.clear();
    this.byTopic.clear();
    this.subs.clear();
    this.subOf.clear();
    this.clientChannels.clear();
    this.serverInfo = null;
    this.paramsSentOnConnection = false;
  }

  send(obj) {
    if (this.ws && this.ws.readyState === 1) {
      this.ws.send(JSON.stringify(obj));
      return true;
    }
    return false;
  }

  get connected() {
    return this.serverInfo !== null && this.ws !== null && this.ws.readyState === 1;
  }

  has(capability) {
    return !!this.serverInfo && this.serverInfo.capabilities.includes(capability);
  }

  onText(text) {
    const m = JSON.parse(text);
    switch (m.op) {
      case "serverInfo":
        this.serverInfo = m;
        try {
          this.on.serverInfo(m);
        } finally {
          // Whatever the page made of it, the connection is up: say so, and replay what this link asked for.
          this.on.state(State.Connected);
          if (this.has("parameters")) this.send({ op: "getParameters", parameterNames: [], id: "console.all" });
          if (this.paramSubscribed) this.sendParameterSubscription();
          for (const [topic, p] of this.published) this.advertiseOne(topic, p);
        }
        break;
      case "advertise":
        for (const c of m.channels) {
          this.channels.set(c.id, c);
          this.byTopic.set(c.topic, c);
        }
        this.on.advertise(m.channels);
        for (const c of m.channels) if (this.wanted.has(c.topic)) this.subscribeOne(c);
        break;
      case "unadvertise":
        for (const id of m.channelIds) {
          const c = this.channels.get(id);
          if (!c) continue;
          this.channels.delete(id);
          this.byTopic.delete(c.topic);
          const sub = this.subOf.get(c.topic);
          if (sub !== undefined) { this.subs.delete(sub); this.subOf.delete(c.topic); }
        }
        this.on.unadvertise(m.channelIds);
        break;
      case "status":
        this.on.status(m);
        break;
      case "removeStatus":
        this.on.removeStatus(m.statusIds);
        break;
      case "parameterValues":
        this.on.parameterValues(m.parameters, m.id);
        break;
      default:
        break; // ops of later protocol versions: nothing to do
    }
  }

  onBinary(b) {
    if (b.length < 1) return;
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    if (b[0] === 0x01 && b.length >= 13) {
      const topic = this.subs.get(view.getUint32(1, true));
      if (topic === undefined) return; // a subscription just ended
      this.on.message(topic, b.subarray(13), view.getBigUint64(5, true));
    } else if (b[0] === 0x02 && b.length >= 9) {
      this.on.time?.(view.getBigUint64(1, true));
    }
  }

  /** Subscribe to a topic, now if it is advertised, else when it is. */
  subscribe(topic) {
    this.wanted.add(topic);
    const c = this.byTopic.get(topic);
    if (c) this.subscribeOne(c);
  }

  subscribeOne(c) {
    if (this.subOf.has(c.topic)) return;
    const id = this.nextSub++;
    this.subs.set(id, c.topic);
    this.subOf.set(c.topic, id);
    this.send({ op: "subscribe", subscriptions: [{ id, channelId: c.id }] });
  }

  subscribeParameterUpdates() {
    this.paramSubscribed = true;
    if (this.connected) this.sendParameterSubscription();
  }

  /** Once per connection, when the server has the capability. */
  sendParameterSubscription() {
    if (this.paramsSentOnConnection || !this.has("parametersSubscribe")) return;
    this.paramsSentOnConnection = this.send({ op: "subscribeParameterUpdates", parameterNames: [] });
  }

  /** Declares a topic this page publishes on (advertised on every connection). */
  publishes(topic, schemaName) {
    const p = { schemaName, encoding: "cdr" };
    this.published.set(topic, p);
    if (this.connected) this.advertiseOne(topic, p);
  }

  advertiseOne(topic, p) {
    if (!this.has("clientPublish") || this.clientChannels.has(topic)) return;
    const id = this.nextClientChannel++;
    this.clientChannels.set(topic, id);
    this.send({ op: "advertise", channels: [{ id, topic, encoding: p.encoding, schemaName: p.schemaName }] });
  }

  /** Sends a payload on a declared topic; false when not connected. */
  publish(topic, payload) {
    const id = this.clientChannels.get(topic);
    if (id === undefined || !this.ws || this.ws.readyState !== 1) return false;
    const frame = new Uint8Array(5 + payload.length);
    frame[0] = 0x01;
    new DataView(frame.buffer).setUint32(1, id, true);
    frame.set(payload, 5);
    this.ws.send(frame);
    return true;
  }

  setParameters(parameters, id) {
    return this.send({ op: "setParameters", parameters, id });
  }
}
