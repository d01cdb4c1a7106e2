// WHIP client (RFC 9725) for the libdtls13 echo server: publishes the
// camera and microphone, shows the echoed video and live getStats().
//
// Plain browser JavaScript, no build step (with webrtc_page.js, loaded
// first: the parts the SFU page shares). The page's buttons use it, and
// so do automated tests, through window.whip:
//   await whip.start({ endpoint })  -> the call's state once the answer is applied
//   await whip.statsSummary()       -> transport/DTLS/SRTP/RTP figures (see below)
//   await whip.hangUp()             -> { status, error } of the DELETE
//   whip.state (also window.whipState): phase, error, endpoint, resourceUrl, ...
// Query parameters: ?endpoint=URL prefills the endpoint, ?autostart=1 starts.
'use strict';

(function () {
  const STATS_INTERVAL_MS = 1000;
  const DEFAULT_GATHER_TIMEOUT_MS = 3000;

  /** Everything a test or a person may want to know about the call. */
  const state = {
    phase: 'idle',         // idle | media | offering | connecting | connected | failed | closed
    error: null,           // first failure, as text
    endpoint: null,        // absolute WHIP endpoint URL used
    resourceUrl: null,     // absolute URL from the Location header (DELETE target)
    mediaSource: null,     // 'devices' (getUserMedia) or 'synthetic' (canvas + tone)
    gatheringComplete: null,
    offerSdp: null,
    answerSdp: null,
    connectionState: 'new',
    iceConnectionState: 'new',
    lastStats: null,       // latest statsSummary() taken by the panel
    hangup: null,          // { status, error } once hung up
    log: [],
  };

  let pc = null;
  let localStream = null;
  let statsTimer = null;
  let media = null;       // getMedia()'s result: { stream, source, stop() }

  const { $, makeLog, showPhase, getMedia, waitForIceGathering, postOffer, deleteResource } = window.webrtcPage;
  const log = makeLog(state.log);

  function setPhase(phase, error) {
    showPhase(state, log, phase, error);
    const busy = phase !== 'idle' && phase !== 'closed' && phase !== 'failed';
    if ($('start')) $('start').disabled = busy;
    if ($('hangup')) $('hangup').disabled = !pc;
  }

  function resetState(endpoint) {
    Object.assign(state, {
      phase: 'idle', error: null, endpoint, resourceUrl: null, mediaSource: null,
      gatheringComplete: null, offerSdp: null, answerSdp: null,
      connectionState: 'new', iceConnectionState: 'new', lastStats: null, hangup: null,
    });
  }

  /**
   * Starts a call: media, offer with all candidates, POST to the WHIP
   * endpoint, answer applied. Resolves when the answer is applied (the
   * DTLS handshake and media follow; watch state.phase or statsSummary()).
   * Rejects with a message naming the failed step.
   * options.endpoint: WHIP URL (default: the page's field, else "/whip",
   * resolved against the page); options.gatherTimeoutMs (default 3000).
   */
  async function start(options = {}) {
    if (pc) throw new Error('a call is already running: hang up first');
    const field = $('endpoint');
    const raw = options.endpoint || (field && field.value) || '/whip';
    const endpoint = new URL(raw, location.href).href;
    resetState(endpoint);
    try {
      setPhase('media');
      media = await getMedia(log, { audio: true });
      localStream = media.stream;
      state.mediaSource = media.source;
      if ($('local')) $('local').srcObject = localStream;

      pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
      const peer = pc;
      peer.addEventListener('connectionstatechange', () => {
        state.connectionState = peer.connectionState;
        log(`connectionState ${peer.connectionState}`);
        if (peer !== pc) return;
        if (peer.connectionState === 'connected') setPhase('connected');
        else if (peer.connectionState === 'failed') setPhase('failed', 'ICE/DTLS connection failed');
      });
      peer.addEventListener('iceconnectionstatechange', () => {
        state.iceConnectionState = peer.iceConnectionState;
        log(`iceConnectionState ${peer.iceConnectionState}`);
      });
      const remoteStream = new MediaStream();
      peer.addEventListener('track', (ev) => {
        log(`remote ${ev.track.kind} track`);
        remoteStream.addTrack(ev.track);
        if ($('remote')) $('remote').srcObject = remoteStream;
      });
      for (const kind of ['audio', 'video']) {
        const track = localStream.getTracks().find((t) => t.kind === kind);
        peer.addTransceiver(track || kind, { direction: 'sendrecv', streams: [localStream] });
      }
      setPhase('offering');
      await peer.setLocalDescription(await peer.createOffer());
      state.gatheringComplete = await waitForIceGathering(
        peer, options.gatherTimeoutMs || DEFAULT_GATHER_TIMEOUT_MS);
      if (!state.gatheringComplete) log('ICE gathering not complete in time; offering what was gathered');
      state.offerSdp = peer.localDescription.sdp;

      const { answer: body, resourceUrl } = await postOffer(endpoint, state.offerSdp, 'WHIP');
      state.resourceUrl = resourceUrl;
      if (!resourceUrl) {
        log('warning: no Location header (a server on another origin must expose it with Access-Control-Expose-Headers)');
      }
      state.answerSdp = body;
      log(`answer received, resource ${state.resourceUrl}`);
      setPhase('connecting');
      await peer.setRemoteDescription({ type: 'answer', sdp: body });
      statsTimer = setInterval(refreshPanel, STATS_INTERVAL_MS);
      return snapshot();
    } catch (e) {
      setPhase('failed', e.message);
      throw e;
    }
  }

  function candidateText(c) {
    if (!c) return null;
    return `${c.candidateType} ${c.protocol} ${c.address || c.ip}:${c.port}`;
  }

  function addCounts(into, from, keys) {
    for (const k of keys) {
      if (typeof from[k] === 'number') into[k] = (into[k] || 0) + from[k];
    }
  }

  /**
   * A summary of pc.getStats(), or null without a call:
   * { connectionState, iceConnectionState,
   *   transport: { dtlsState, tlsVersion, dtlsCipher, srtpCipher, dtlsRole, iceState, ... },
   *   selectedPair: { state, local, remote, currentRoundTripTime },
   *   inbound: { audio: {...}, video: { packetsReceived, framesDecoded, ... } },
   *   outbound: { audio: {...}, video: { packetsSent, framesEncoded, ... } },
   *   rawTransport: the transport stats object as reported }
   */
  async function statsSummary() {
    if (!pc) return null;
    const report = await pc.getStats();
    const byId = new Map();
    report.forEach((s) => byId.set(s.id, s));
    const out = {
      connectionState: pc.connectionState,
      iceConnectionState: pc.iceConnectionState,
      transport: null, selectedPair: null, inbound: {}, outbound: {}, rawTransport: null,
    };
    for (const s of byId.values()) {
      if (s.type === 'transport' && !out.transport) {
        out.rawTransport = Object.assign({}, s);
        out.transport = {
          dtlsState: s.dtlsState, tlsVersion: s.tlsVersion, dtlsCipher: s.dtlsCipher,
          srtpCipher: s.srtpCipher, dtlsRole: s.dtlsRole, iceRole: s.iceRole,
          iceState: s.iceState, tlsGroup: s.tlsGroup,
          packetsSent: s.packetsSent, packetsReceived: s.packetsReceived,
          bytesSent: s.bytesSent, bytesReceived: s.bytesReceived,
        };
        const pair = byId.get(s.selectedCandidatePairId);
        if (pair) {
          out.selectedPair = {
            state: pair.state,
            local: candidateText(byId.get(pair.localCandidateId)),
            remote: candidateText(byId.get(pair.remoteCandidateId)),
            currentRoundTripTime: pair.currentRoundTripTime,
          };
        }
      } else if (s.type === 'inbound-rtp') {
        const dst = out.inbound[s.kind] || (out.inbound[s.kind] = {});
        addCounts(dst, s, ['packetsReceived', 'packetsLost', 'bytesReceived', 'framesDecoded',
          'framesReceived', 'framesDropped', 'totalSamplesReceived']);
        if (s.frameWidth) dst.frame = `${s.frameWidth}x${s.frameHeight}`;
        const codec = byId.get(s.codecId);
        if (codec) dst.codec = codec.mimeType;
      } else if (s.type === 'outbound-rtp') {
        const dst = out.outbound[s.kind] || (out.outbound[s.kind] = {});
        addCounts(dst, s, ['packetsSent', 'bytesSent', 'framesEncoded', 'framesSent']);
        if (s.frameWidth) dst.frame = `${s.frameWidth}x${s.frameHeight}`;
        const codec = byId.get(s.codecId);
        if (codec) dst.codec = codec.mimeType;
      }
    }
    return out;
  }

  function snapshot() {
    return JSON.parse(JSON.stringify(state));
  }

  function tlsVersionText(v) {
    const names = { FEFC: 'DTLS 1.3', FEFD: 'DTLS 1.2', FEFF: 'DTLS 1.0' };
    return v ? `${v}${names[v] ? ' (' + names[v] + ')' : ''}` : '-';
  }

  function renderPanel(s) {
    const table = $('stats');
    if (!table) return;
    const t = s.transport || {};
    const p = s.selectedPair || {};
    const rows = [
      ['connectionState', s.connectionState],
      ['iceConnectionState', s.iceConnectionState],
      ['dtlsState', t.dtlsState],
      ['dtlsRole (browser)', t.dtlsRole],
      ['tlsVersion', tlsVersionText(t.tlsVersion)],
      ['dtlsCipher', t.dtlsCipher],
      ['srtpCipher', t.srtpCipher],
      ['selectedCandidatePair', p.local ? `${p.local} -> ${p.remote} (${p.state})` : undefined],
    ];
    for (const kind of ['video', 'audio']) {
      const o = s.outbound[kind] || {};
      const i = s.inbound[kind] || {};
      rows.push([`outbound-rtp ${kind}`,
        `packetsSent ${o.packetsSent ?? '-'}` +
        (kind === 'video' ? `, framesEncoded ${o.framesEncoded ?? '-'}` : '') +
        (o.codec ? `, ${o.codec}` : '')]);
      rows.push([`inbound-rtp ${kind} (echo)`,
        `packetsReceived ${i.packetsReceived ?? '-'}` +
        (kind === 'video' ? `, framesDecoded ${i.framesDecoded ?? '-'}` : '') +
        (i.frame ? `, ${i.frame}` : '') + (i.codec ? `, ${i.codec}` : '')]);
    }
    const body = document.createElement('tbody');
    for (const [name, value] of rows) {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      const td = document.createElement('td');
      th.textContent = name;
      td.textContent = value === undefined || value === null || value === '' ? '-' : String(value);
      tr.append(th, td);
      body.append(tr);
    }
    table.replaceChildren(body);
  }

  async function refreshPanel() {
    try {
      const s = await statsSummary();
      if (!s) return;
      state.lastStats = s;
      renderPanel(s);
    } catch (e) {
      log(`getStats failed: ${e.message}`);
    }
  }

  /**
   * Ends the call: DELETE on the WHIP resource (when there is one), then
   * closes the connection and stops the media. Resolves { status, error }:
   * the DELETE's HTTP status (null when none was sent) and its failure text.
   */
  async function hangUp() {
    if (statsTimer) { clearInterval(statsTimer); statsTimer = null; }
    if (pc) await refreshPanel();
    const result = state.resourceUrl ? await deleteResource(state.resourceUrl, log) : { status: null, error: null };
    if (pc) { pc.close(); pc = null; }
    if (localStream) { localStream.getTracks().forEach((t) => t.stop()); localStream = null; }
    if (media) { media.stop(); media = null; }
    if ($('remote')) $('remote').srcObject = null;
    if ($('local')) $('local').srcObject = null;
    state.hangup = result;
    setPhase('closed');
    return result;
  }

  window.whip = { start, hangUp, statsSummary, state, peerConnection: () => pc };
  window.whipState = state;

  function wireUpPage() {
    const params = new URLSearchParams(location.search);
    if (params.get('endpoint') && $('endpoint')) $('endpoint').value = params.get('endpoint');
    if ($('start')) $('start').addEventListener('click', () => { start().catch(() => {}); });
    if ($('hangup')) $('hangup').addEventListener('click', () => { hangUp(); });
    if (params.get('autostart') === '1') start().catch(() => {});
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', wireUpPage);
  else wireUpPage();
})();
