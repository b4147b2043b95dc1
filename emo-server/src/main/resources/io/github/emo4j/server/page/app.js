'use strict';
// The emo4j page: a portrait (file or webcam) with its faces, a voice (file or recorded), options, and
// a render that plays through Media Source Extensions from its first fragment. window.emoState reports
// what happened, for people debugging and for the browser tests.
const $ = (id) => document.getElementById(id);
const token = new URLSearchParams(location.search).get('token');
const auth = token ? { Authorization: 'Bearer ' + token } : {};
const withToken = (url) => token ? url + (url.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(token) : url;
const state = window.emoState = { portrait: null, faces: [], face: null, audio: null, render: null, events: [] };

function say(el, text, bad) {
  $(el).textContent = text;
  $(el).classList.toggle('error', !!bad);
}

async function answer(response) {
  const text = await response.text();
  let body = {};
  try { body = text ? JSON.parse(text) : {}; } catch (e) { body = { error: text }; }
  if (!response.ok) throw new Error(body.error || (response.status + ' ' + response.statusText));
  return body;
}

// a pack that follows a pose video (Wan2.2-S2V) offers it among the options; one with a text encoder, prompts
fetch('/api/health', { headers: auth }).then(answer).then((health) => {
  state.poseOffered = !!health.pose;
  $('pose-option').hidden = !health.pose;
  $('prompt-option').hidden = !health.prompt;
  $('negative-prompt-option').hidden = !health.prompt;
}).catch(() => {});

// the prompts given, for a pack with a text encoder (their boxes are shown only then)
function prompts() {
  const given = [];
  if (!$('prompt-option').hidden && $('prompt').value.trim() !== '') given.push(['prompt', $('prompt').value]);
  if (!$('negative-prompt-option').hidden && $('negative-prompt').value.trim() !== '') {
    given.push(['negative_prompt', $('negative-prompt').value]);
  }
  return given;
}

// 1. Portrait
async function usePortrait(blob) {
  state.portrait = blob;
  state.face = null;
  const img = await createImageBitmap(blob).catch(() => null);
  const canvas = $('portrait-canvas');
  if (img) {
    canvas.width = img.width;
    canvas.height = img.height;
    canvas.getContext('2d').drawImage(img, 0, 0);
  }
  say('faces-status', 'Looking for faces…');
  const form = new FormData();
  form.append('portrait', blob, 'portrait');
  try {
    const found = await answer(await fetch('/api/faces', { method: 'POST', body: form, headers: auth }));
    state.faces = found.faces;
    state.face = found.faces.length ? found.faces[0].box : null;
    drawFaces(img);
    say('faces-status', found.faces.length
      ? found.faces.length + ' face(s) found; the green one is used (click another to choose it).'
      : 'No face found in this portrait.', !found.faces.length);
  } catch (e) {
    state.faces = [];
    say('faces-status', e.message, true);
  }
}

function drawFaces(img) {
  const canvas = $('portrait-canvas');
  const g = canvas.getContext('2d');
  if (img) g.drawImage(img, 0, 0);
  const w = Math.max(2, canvas.width / 250);
  for (const f of state.faces) {
    const chosen = state.face && f.box.join() === state.face.join();
    g.strokeStyle = chosen ? '#00e65a' : '#ffbe00';
    g.lineWidth = chosen ? 2 * w : w;
    g.strokeRect(f.box[0], f.box[1], f.box[2], f.box[3]);
  }
  canvas.onclick = (ev) => {
    const r = canvas.getBoundingClientRect();
    const x = (ev.clientX - r.left) * canvas.width / r.width, y = (ev.clientY - r.top) * canvas.height / r.height;
    const hit = state.faces.find((f) => x >= f.box[0] && y >= f.box[1] && x <= f.box[0] + f.box[2] && y <= f.box[1] + f.box[3]);
    if (hit) { state.face = hit.box; drawFaces(img); }
  };
}

$('portrait-file').onchange = (e) => { if (e.target.files[0]) usePortrait(e.target.files[0]); };
$('webcam-start').onclick = async () => {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ video: true });
    $('webcam').srcObject = stream;
    $('webcam').hidden = false;
    $('webcam-snap').hidden = false;
  } catch (e) { say('faces-status', 'webcam: ' + e.message, true); }
};
$('webcam-snap').onclick = () => {
  const v = $('webcam');
  const c = document.createElement('canvas');
  c.width = v.videoWidth;
  c.height = v.videoHeight;
  c.getContext('2d').drawImage(v, 0, 0);
  v.srcObject.getTracks().forEach((t) => t.stop());
  v.hidden = true;
  $('webcam-snap').hidden = true;
  c.toBlob((b) => usePortrait(b), 'image/png');
};

// 2. Voice
function useVoice(blob, what) {
  state.audio = blob;
  $('voice-preview').src = URL.createObjectURL(blob);
  $('voice-preview').hidden = false;
  say('voice-status', what);
}
$('audio-file').onchange = (e) => { const f = e.target.files[0]; if (f) useVoice(f, f.name); };
let recorder = null;
$('record').onclick = async () => {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const type = MediaRecorder.isTypeSupported('audio/webm;codecs=opus') ? 'audio/webm;codecs=opus' : '';
    recorder = new MediaRecorder(stream, type ? { mimeType: type } : {});
    const parts = [];
    recorder.ondataavailable = (e) => parts.push(e.data);
    recorder.onstop = () => {
      stream.getTracks().forEach((t) => t.stop());
      useVoice(new Blob(parts, { type: recorder.mimeType }), 'recorded voice');
    };
    recorder.start();
    $('record').hidden = true;
    $('stop-record').hidden = false;
    say('voice-status', 'recording…');
  } catch (e) { say('voice-status', 'microphone: ' + e.message, true); }
};
$('stop-record').onclick = () => {
  recorder.stop();
  $('record').hidden = false;
  $('stop-record').hidden = true;
};

// 4. Render
$('render').onclick = async () => {
  if (!state.portrait || !state.audio) { say('render-status', 'Give a portrait and a voice first.', true); return; }
  const form = new FormData();
  form.append('portrait', state.portrait, 'portrait');
  form.append('audio', state.audio, 'audio');
  for (const k of ['steps', 'seed', 'quality']) if ($(k).value !== '') form.append(k, $(k).value);
  if (state.face) form.append('face', state.face.join(','));
  const pose = $('pose-file').files[0];
  if (pose) form.append('pose', pose, 'pose.mp4');
  for (const [k, v] of prompts()) form.append(k, v);
  $('download').hidden = true;
  $('progress').value = 0;
  say('render-status', 'Sending…');
  let id;
  try {
    id = (await answer(await fetch('/api/renders', { method: 'POST', body: form, headers: auth }))).id;
  } catch (e) {
    state.render = { error: e.message };
    say('render-status', e.message, true);
    return;
  }
  const render = state.render = { id, started: performance.now(), firstFrameAt: null, doneAt: null, error: null, cancelled: false };
  $('cancel').disabled = false;
  follow(render);
  play(render);
};

$('cancel').onclick = async () => {
  const render = state.render;
  if (!render || !render.id) return;
  render.cancelled = true;
  await fetch('/api/renders/' + render.id, { method: 'DELETE', headers: auth });
  $('cancel').disabled = true;
  say('render-status', 'Cancelled.');
};

function follow(render) {
  const events = new EventSource(withToken('/api/renders/' + render.id + '/events'));
  events.addEventListener('progress', (e) => {
    const p = JSON.parse(e.data);
    $('progress').value = p.fraction;
    say('render-status', Math.round(100 * p.fraction) + ' %' + (p.etaSeconds >= 0 ? ', about ' + Math.ceil(p.etaSeconds) + ' s left' : ''));
  });
  events.addEventListener('face', (e) => state.events.push({ face: JSON.parse(e.data) }));
  events.addEventListener('done', () => {
    render.doneAt = performance.now();
    events.close();
    $('progress').value = 1;
    $('cancel').disabled = true;
    say('render-status', 'Done.');
    const a = $('download');
    a.href = withToken('/api/renders/' + render.id + '/video');
    a.hidden = false;
  });
  events.addEventListener('error', (e) => {
    events.close();
    if (e.data) {
      render.error = JSON.parse(e.data).error;
      if (!render.cancelled) say('render-status', render.error, true);
    }
    $('cancel').disabled = true;
  });
}

// The stream's codecs, from its avcC box (profile, compatibility, level), with AAC-LC.
function codecs(bytes) {
  for (let i = 0; i + 8 < bytes.length; i++) {
    if (bytes[i] === 0x61 && bytes[i + 1] === 0x76 && bytes[i + 2] === 0x63 && bytes[i + 3] === 0x43) {
      const hex = (b) => b.toString(16).padStart(2, '0').toUpperCase();
      return 'avc1.' + hex(bytes[i + 5]) + hex(bytes[i + 6]) + hex(bytes[i + 7]) + ', mp4a.40.2';
    }
  }
  return null;
}

// A video element fed fragmented MP4 as it arrives, through Media Source Extensions: the codecs come
// from the stream's avcC box, and pieces are appended one at a time, in order.
function streamInto(video) {
  const media = new MediaSource();
  video.src = URL.createObjectURL(media);
  let chain = new Promise((r) => media.addEventListener('sourceopen', r, { once: true }));
  let buffer = null, held = new Uint8Array(0);
  const sink = { error: null };
  const append = (chunk) => new Promise((resolve, reject) => {
    buffer.addEventListener('updateend', resolve, { once: true });
    buffer.addEventListener('error', () => reject(new Error('the browser refused a piece of the stream')), { once: true });
    buffer.appendBuffer(chunk);
  });
  const take = async (value) => {
    if (buffer) { await append(value); return; }
    const joined = new Uint8Array(held.length + value.length);
    joined.set(held);
    joined.set(value, held.length);
    const type = codecs(joined);
    if (!type) { held = joined; return; }
    buffer = media.addSourceBuffer('video/mp4; codecs="' + type + '"');
    await append(joined);
    video.play().catch(() => {});
  };
  const then = (step) => { chain = chain.then(step).catch((e) => { sink.error = sink.error || e.message; }); return chain; };
  sink.push = (value) => then(() => take(value));
  sink.end = () => then(() => { if (media.readyState === 'open') media.endOfStream(); });
  return sink;
}

async function play(render) {
  const video = $('result');
  const response = await fetch('/api/renders/' + render.id + '/video', { headers: auth });
  if (!response.ok || !window.MediaSource) return;
  const reader = response.body.getReader();
  video.addEventListener('timeupdate', () => {
    if (render.firstFrameAt === null && video.currentTime > 0) render.firstFrameAt = performance.now();
  });
  const sink = streamInto(video);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    await sink.push(value);
  }
  if (!render.cancelled && !render.error) await sink.end();
}

// 5. Live: the microphone goes to /api/live as 16-bit PCM in 20 ms messages, the portrait comes back
// speaking as fragmented MP4, with the server's figures after every clip.
$('live-start').onclick = async () => {
  if (!state.portrait) { say('live-status', 'Give a portrait first (step 1).', true); return; }
  let mic;
  try {
    mic = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true } });
  } catch (e) { say('live-status', 'microphone: ' + e.message, true); return; }
  const audio = new AudioContext();
  await audio.audioWorklet.addModule('capture.js');
  await audio.resume();
  const params = new URLSearchParams({ sampleRate: String(audio.sampleRate) });
  for (const k of ['steps', 'seed', 'quality']) if ($(k).value !== '') params.set(k, $(k).value);
  for (const [k, v] of prompts()) params.set(k, v);
  if ($('clip-frames').value !== '') params.set('clipFrames', $('clip-frames').value);
  if ($('first-clip-frames').value !== '') params.set('firstClipFrames', $('first-clip-frames').value);
  if (state.face) params.set('face', state.face.join(','));
  if (token) params.set('token', token);
  const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/api/live?' + params);
  ws.binaryType = 'arraybuffer';
  const session = state.live = { started: null, stats: null, pieces: 0, error: null, ended: false, socket: ws };
  const video = $('live-video');
  const sink = streamInto(video);
  const stop = () => {
    mic.getTracks().forEach((t) => t.stop());
    audio.close().catch(() => {});
    $('live-start').disabled = false;
    $('live-stop').disabled = true;
  };
  $('live-start').disabled = true;
  $('live-stop').disabled = false;
  $('live-stop').onclick = () => {
    // the capture stops first, so that no voice follows 'end'
    if (session.capture) session.capture();
    if (ws.readyState === WebSocket.OPEN) ws.send('end');
    mic.getTracks().forEach((t) => t.stop());
    $('live-stop').disabled = true;
    say('live-status', 'Ending: the last clips are on their way…');
  };
  say('live-status', 'Connecting…');
  ws.onmessage = async (e) => {
    if (typeof e.data !== 'string') {
      session.pieces++;
      sink.push(new Uint8Array(e.data));
      return;
    }
    const m = JSON.parse(e.data);
    if (m.type === 'ready') ws.send(await state.portrait.arrayBuffer());
    else if (m.type === 'started') { session.started = m; session.capture = capture(audio, mic, ws); say('live-status', 'Live: speak now.'); }
    else if (m.type === 'stats') { session.stats = m; showLatency(m, video); }
    else if (m.type === 'notice') say('live-status', m.message);
    else if (m.type === 'error') { session.error = m.error; say('live-status', m.error, true); }
    else if (m.type === 'end') {
      session.ended = true;
      session.stats = m;
      showLatency(m, video);
      sink.end();
      say('live-status', 'Ended: ' + m.frames + ' frames.');
    }
  };
  ws.onclose = (e) => {
    stop();
    if (!session.ended && !session.error) {
      session.error = 'the connection closed' + (e.reason ? ': ' + e.reason : ' (' + e.code + ')');
      say('live-status', session.error, true);
    }
  };
};

// The microphone's samples, 20 ms at a time, as 16-bit little-endian PCM (the byte order of every
// browser's machine), until the function it returns is called: that sends what is left and stops.
function capture(audio, mic, ws) {
  const source = audio.createMediaStreamSource(mic);
  const node = new AudioWorkletNode(audio, 'emo-capture');
  const size = Math.round(audio.sampleRate / 50);
  let chunk = new Int16Array(size), filled = 0;
  let on = true;
  node.port.onmessage = (e) => {
    if (!on) return;
    for (const x of e.data) {
      chunk[filled++] = Math.max(-32768, Math.min(32767, Math.round(x * 32767)));
      if (filled === size) {
        if (ws.readyState === WebSocket.OPEN) ws.send(chunk.buffer);
        chunk = new Int16Array(size);
        filled = 0;
      }
    }
  };
  source.connect(node);
  // a node is only run when it leads to the speakers: through a silent gain, so nothing is heard
  const silent = audio.createGain();
  silent.gain.value = 0;
  node.connect(silent).connect(audio.destination);
  return () => {
    on = false;
    source.disconnect();
    node.disconnect();
    if (filled > 0 && ws.readyState === WebSocket.OPEN) ws.send(chunk.slice(0, filled).buffer);
  };
}

// The server's figures, and how much video waits in the page; a page that fell behind jumps to the live edge.
function showLatency(m, video) {
  const b = video.buffered;
  const waiting = b.length ? Math.max(0, b.end(b.length - 1) - video.currentTime) : 0;
  // low-latency players' way: a little faster while behind, a jump when far behind
  if (waiting > 1.5) video.currentTime = b.end(b.length - 1) - 0.3;
  video.playbackRate = waiting > 0.7 ? 1.1 : waiting < 0.4 ? 1 : video.playbackRate;
  const ms = (x) => x < 0 ? '–' : Math.round(x) + ' ms';
  $('live-latency').textContent = 'Voice to frame: ' + ms(m.latencyMs) + ' now, ' + ms(m.p50Ms) + ' median, ' + ms(m.p99Ms)
    + ' p99; first frame ' + ms(m.firstFrameMs) + '; ' + Math.round(1000 * waiting) + ' ms of video waiting in the page; '
    + m.frames + ' frames at ' + m.steps + ' steps a clip.';
}
