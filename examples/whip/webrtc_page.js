// What the example pages share: the WHIP echo page (this directory,
// served by whip_server) and the SFU room page (examples/sfu/, whose
// server sfu_echo serves this one file from here too). Plain browser
// JavaScript, no build step; load it before the page's own script.
//
// window.webrtcPage:
//   $(id)                                the element with that id, or null
//   makeLog(lines)                       -> log(message): timestamped, kept in
//                                           lines and appended to #log
//   showPhase(state, log, phase, error)  state.phase (and the first state.error),
//                                        #phase's text and class, a log line
//   await getMedia(log, { audio })       -> { stream, source: 'devices' | 'synthetic', stop() }:
//                                           camera and microphone, else a moving
//                                           canvas (with a 440 Hz tone when audio)
//   await waitForIceGathering(pc, ms)    -> true when gathering completed in time
//   await postOffer(endpoint, sdp, what) -> { answer, resourceUrl } of a 201, else
//                                           throws, naming what was posted
//   await deleteResource(url, log)       -> { status, error } of the DELETE
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);

  function makeLog(lines) {
    return (message) => {
      const line = `${(performance.now() / 1000).toFixed(3)}s ${message}`;
      lines.push(line);
      const box = $('log');
      if (box) {
        box.textContent += line + '\n';
        box.scrollTop = box.scrollHeight;
      }
    };
  }

  function showPhase(state, log, phase, error) {
    state.phase = phase;
    if (error && !state.error) state.error = error;
    const el = $('phase');
    if (el) {
      el.textContent = error ? `${phase}: ${error}` : phase;
      el.className = phase;
    }
    log(`phase ${phase}${error ? ' (' + error + ')' : ''}`);
  }

  // A moving canvas, and a 440 Hz tone when withAudio: for pages without a
  // camera or microphone (or permission), so that they still send media.
  function syntheticStream(log, withAudio) {
    const canvas = document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 240;
    const g = canvas.getContext('2d');
    let frame = 0;
    const timer = setInterval(() => {
      frame++;
      g.fillStyle = '#234';
      g.fillRect(0, 0, canvas.width, canvas.height);
      g.fillStyle = '#fc3';
      g.fillRect((frame * 4) % canvas.width, 90, 60, 60);
      g.fillStyle = '#fff';
      g.font = '20px monospace';
      g.fillText(`frame ${frame}`, 10, 30);
    }, 33);
    const stream = canvas.captureStream(30);
    let audio = null;
    if (withAudio) {
      try {
        audio = new AudioContext();
        const osc = audio.createOscillator();
        const dest = audio.createMediaStreamDestination();
        osc.frequency.value = 440;
        osc.connect(dest);
        osc.start();
        dest.stream.getAudioTracks().forEach((t) => stream.addTrack(t));
      } catch (e) {
        log(`no synthetic audio: ${e.message}`);
      }
    }
    return { stream, source: 'synthetic', stop() { clearInterval(timer); if (audio) audio.close(); } };
  }

  async function getMedia(log, options = {}) {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
      return { stream, source: 'devices', stop() {} };
    } catch (e) {
      log(`getUserMedia failed (${e.name}: ${e.message}); using a synthetic source`);
      return syntheticStream(log, !!options.audio);
    }
  }

  // Resolves true when ICE gathering completes, false after timeoutMs (the
  // offer then carries the candidates gathered so far: no trickle ICE).
  function waitForIceGathering(peer, timeoutMs) {
    return new Promise((resolve) => {
      if (peer.iceGatheringState === 'complete') { resolve(true); return; }
      const onChange = () => {
        if (peer.iceGatheringState === 'complete') { done(true); }
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      function done(complete) {
        clearTimeout(timer);
        peer.removeEventListener('icegatheringstatechange', onChange);
        resolve(complete);
      }
      peer.addEventListener('icegatheringstatechange', onChange);
    });
  }

  async function postOffer(endpoint, sdp, what) {
    let response;
    try {
      response = await fetch(endpoint, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: sdp });
    } catch (e) {
      throw new Error(`${what} POST to ${endpoint} failed: ${e.message}`);
    }
    const answer = await response.text();
    if (response.status !== 201) {
      throw new Error(`${what} POST to ${endpoint} answered ${response.status} ${response.statusText}: ${answer.trim()}`);
    }
    const resource = response.headers.get('Location');
    return { answer, resourceUrl: resource ? new URL(resource, endpoint).href : null };
  }

  async function deleteResource(url, log) {
    const result = { status: null, error: null };
    try {
      result.status = (await fetch(url, { method: 'DELETE' })).status;
      log(`DELETE ${url} -> ${result.status}`);
    } catch (e) {
      result.error = e.message;
      log(`DELETE ${url} failed: ${e.message}`);
    }
    return result;
  }

  window.webrtcPage = { $, makeLog, showPhase, getMedia, waitForIceGathering, postOffer, deleteResource };
})();
