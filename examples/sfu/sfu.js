// Client of libdtls13's SFU example (examples/sfu_echo.c): publishes one
// camera and microphone and shows the other participants' media. The
// offer carries `slots` video and audio m-lines, all sendrecv: the first
// of each kind sends our track, and the server fills every m-line with
// another participant's stream (the SSRC its answer announced), so up to
// `slots` others are seen without renegotiation.
//
// For people and tests alike, window.sfu:
//   await sfu.join({ endpoint, slots, offerSetup }) -> state once the answer is applied
//       (offerSetup 'passive' sends the server a=setup:passive instead of
//       actpass, so that the server must be the DTLS client)
//   await sfu.statsSummary()            -> { connectionState, transport: {...},
//                                            inbound: [{ kind, mid, ssrc, packetsReceived, framesDecoded }],
//                                            outbound: { video: {...}, audio: {...} } }
//   await sfu.leave()                   -> { status, error } of the DELETE
//   sfu.state: phase, error, resourceUrl, offerSdp, answerSdp, log
// Query parameters: ?autostart=1 joins at once, ?slots=N.
// The parts the WHIP page shares come from webrtc_page.js, loaded first.
'use strict';

(function () {
  const state = {
    phase: 'idle', error: null, endpoint: null, resourceUrl: null, mediaSource: null,
    offerSdp: null, answerSdp: null, log: [],
  };
  let pc = null;
  let localStream = null;
  let media = null; // getMedia()'s result: { stream, source, stop() }
  let statsTimer = null;
  const { $, makeLog, showPhase, getMedia, waitForIceGathering, postOffer, deleteResource } = window.webrtcPage;
  const log = makeLog(state.log);

  function setPhase(phase, error) {
    showPhase(state, log, phase, error);
    if ($('join')) $('join').disabled = phase !== 'idle' && phase !== 'closed' && phase !== 'failed';
    if ($('leave')) $('leave').disabled = !pc;
  }

  function showTrack(ev) {
    const mid = ev.transceiver && ev.transceiver.mid;
    log(`remote ${ev.track.kind} track on mid ${mid}`);
    if (ev.track.kind !== 'video' || !$('videos')) return;
    const figure = document.createElement('figure');
    const video = document.createElement('video');
    video.autoplay = true;
    video.muted = true;
    video.playsInline = true;
    video.srcObject = new MediaStream([ev.track]);
    const caption = document.createElement('figcaption');
    caption.textContent = `slot mid ${mid}`;
    figure.append(video, caption);
    $('videos').append(figure);
  }

  /** Joins the room; resolves when the answer is applied. */
  async function join(options = {}) {
    if (pc) throw new Error('already joined: leave first');
    const raw = options.endpoint || ($('endpoint') && $('endpoint').value) || '/sfu';
    const slots = Math.max(1, Math.min(7, Number(options.slots || ($('slots') && $('slots').value) || 4)));
    state.endpoint = new URL(raw, location.href).href;
    state.error = null;
    try {
      setPhase('media');
      media = await getMedia(log);
      localStream = media.stream;
      state.mediaSource = media.source;
      if ($('local')) $('local').srcObject = localStream;
      pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
      const peer = pc;
      peer.addEventListener('connectionstatechange', () => {
        log(`connectionState ${peer.connectionState}`);
        if (peer !== pc) return;
        if (peer.connectionState === 'connected') setPhase('connected');
        else if (peer.connectionState === 'failed') setPhase('failed', 'ICE/DTLS connection failed');
      });
      peer.addEventListener('track', showTrack);
      for (const kind of ['video', 'audio']) {
        const track = localStream.getTracks().find((t) => t.kind === kind);
        for (let i = 0; i < slots; i++) {
          peer.addTransceiver(i === 0 && track ? track : kind, { direction: 'sendrecv', streams: i === 0 ? [localStream] : [] });
        }
      }
      setPhase('offering');
      await peer.setLocalDescription(await peer.createOffer());
      await waitForIceGathering(peer, 3000);
      state.offerSdp = peer.localDescription.sdp;
      if (options.offerSetup) state.offerSdp = state.offerSdp.replace(/a=setup:actpass/g, `a=setup:${options.offerSetup}`);
      const { answer: body, resourceUrl } = await postOffer(state.endpoint, state.offerSdp, 'SFU');
      state.resourceUrl = resourceUrl;
      state.answerSdp = body;
      setPhase('connecting');
      await peer.setRemoteDescription({ type: 'answer', sdp: body });
      statsTimer = setInterval(refreshPanel, 1000);
      return JSON.parse(JSON.stringify(state));
    } catch (e) {
      setPhase('failed', e.message);
      throw e;
    }
  }

  /** A summary of getStats(), or null when not joined. */
  async function statsSummary() {
    if (!pc) return null;
    const report = await pc.getStats();
    const out = { connectionState: pc.connectionState, transport: null, inbound: [], outbound: {} };
    report.forEach((s) => {
      if (s.type === 'transport' && !out.transport) {
        out.transport = { dtlsState: s.dtlsState, tlsVersion: s.tlsVersion, dtlsCipher: s.dtlsCipher,
          srtpCipher: s.srtpCipher, dtlsRole: s.dtlsRole, iceState: s.iceState };
      } else if (s.type === 'inbound-rtp') {
        out.inbound.push({ kind: s.kind, mid: s.mid, ssrc: s.ssrc, packetsReceived: s.packetsReceived || 0,
          framesDecoded: s.framesDecoded || 0, frame: s.frameWidth ? `${s.frameWidth}x${s.frameHeight}` : undefined });
      } else if (s.type === 'outbound-rtp') {
        const o = out.outbound[s.kind] || (out.outbound[s.kind] = { packetsSent: 0, framesEncoded: 0 });
        o.packetsSent += s.packetsSent || 0;
        o.framesEncoded += s.framesEncoded || 0;
      }
    });
    return out;
  }

  async function refreshPanel() {
    try {
      const s = await statsSummary();
      if (s && $('stats')) $('stats').textContent = JSON.stringify(s, null, 2);
    } catch (e) {
      log(`getStats failed: ${e.message}`);
    }
  }

  /** Leaves: DELETE on the peer resource, then closes everything. */
  async function leave() {
    if (statsTimer) { clearInterval(statsTimer); statsTimer = null; }
    const result = state.resourceUrl ? await deleteResource(state.resourceUrl, log) : { status: null, error: null };
    if (pc) { pc.close(); pc = null; }
    if (localStream) { localStream.getTracks().forEach((t) => t.stop()); localStream = null; }
    if (media) { media.stop(); media = null; }
    setPhase('closed');
    return result;
  }

  window.sfu = { join, leave, statsSummary, state };

  function wireUp() {
    const params = new URLSearchParams(location.search);
    if (params.get('slots') && $('slots')) $('slots').value = params.get('slots');
    if ($('join')) $('join').addEventListener('click', () => { join().catch(() => {}); });
    if ($('leave')) $('leave').addEventListener('click', () => { leave(); });
    if (params.get('autostart') === '1') join().catch(() => {});
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', wireUp);
  else wireUp();
})();
