/* Voice test recorder: microphone check with a level meter, record / stop / listen back /
 * re-record per prompt with a countdown, upload with progress and automatic retry.
 * Talks to the JSON endpoints of screening/web/voice.py. No framework, no CDN. */
(function () {
  "use strict";
  const root = document.getElementById("recorder");
  if (!root) return;
  const base = root.dataset.base;            // /a/<token>/voice
  const liveStatus = document.getElementById("mic-status");
  const meter = document.getElementById("level");
  let stream = null, audioCtx = null, analyser = null, levelTimer = null;

  const MIME_TYPES = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus",
                      "audio/mp4"];
  function pickMimeType() {
    if (!window.MediaRecorder) return null;
    for (const type of MIME_TYPES) {
      if (MediaRecorder.isTypeSupported(type)) return type;
    }
    return "";  // let the browser choose
  }

  function say(el, text, kind) {
    el.textContent = text;
    el.className = "status" + (kind ? " " + kind : "");
  }

  /* Level of the live input as RMS and peak in dBFS (from the analyser's time-domain data). */
  function currentLevel() {
    const data = new Float32Array(analyser.fftSize);
    analyser.getFloatTimeDomainData(data);
    let sum = 0, peak = 0, clipped = 0;
    for (const x of data) {
      sum += x * x;
      const a = Math.abs(x);
      if (a > peak) peak = a;
      if (a >= 0.99) clipped += 1;
    }
    const rms = Math.sqrt(sum / data.length);
    const db = (v) => (v > 0 ? 20 * Math.log10(v) : -100);
    return { rmsDb: db(rms), peakDb: db(peak), clipRatio: clipped / data.length };
  }

  function startMeter() {
    if (levelTimer) return;
    levelTimer = setInterval(() => {
      const level = currentLevel();
      meter.value = Math.max(0, Math.min(100, 100 + level.rmsDb * 2));  // −50 dBFS → 0
    }, 100);
  }

  async function openMicrophone() {
    if (stream) return stream;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.MediaRecorder) {
      throw new Error("This browser cannot record audio. Please use a current Chrome, Edge " +
                      "or Firefox.");
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (err) {
      if (err && (err.name === "NotAllowedError" || err.name === "SecurityError")) {
        throw new Error("Microphone access was refused. Allow the microphone for this site " +
                        "(the icon in the address bar), then press the button again.");
      }
      if (err && (err.name === "NotFoundError" || err.name === "OverconstrainedError")) {
        throw new Error("No microphone was found. Connect your headset, then press the " +
                        "button again.");
      }
      throw new Error("The microphone could not be opened (" + (err && err.name) + "). " +
                      "Close other programs that use it and try again.");
    }
    audioCtx = new (window.AudioContext || window.webkitAudioContext)();
    analyser = audioCtx.createAnalyser();
    analyser.fftSize = 2048;
    audioCtx.createMediaStreamSource(stream).connect(analyser);
    startMeter();
    return stream;
  }

  /* 3-second check: warns when the input is silent, too quiet or clipping. */
  async function micCheck() {
    const button = document.getElementById("mic-check");
    button.disabled = true;
    try {
      await openMicrophone();
      say(liveStatus, "Listening for 3 seconds: say a few words in your normal voice…");
      const samples = [];
      const started = performance.now();
      await new Promise((resolve) => {
        const timer = setInterval(() => {
          samples.push(currentLevel());
          if (performance.now() - started >= 3000) { clearInterval(timer); resolve(); }
        }, 50);
      });
      const peak = Math.max(...samples.map((s) => s.peakDb));
      const loud = samples.map((s) => s.rmsDb).sort((a, b) => a - b)[Math.floor(samples.length * 0.9)];
      const clipping = samples.filter((s) => s.clipRatio > 0.001).length / samples.length;
      root.dataset.micPeakDb = peak.toFixed(1);
      if (peak < -50) {
        say(liveStatus, "We could not hear anything. Check that your microphone is connected, " +
            "not muted and selected in the browser.", "bad");
      } else if (loud < -40) {
        say(liveStatus, "Your voice is very quiet. Move the microphone closer or raise its " +
            "volume, then check again.", "warn");
      } else if (clipping > 0.1) {
        say(liveStatus, "Your voice is too loud and distorts. Move the microphone a little " +
            "away or lower its volume, then check again.", "warn");
      } else {
        say(liveStatus, "Your microphone sounds good. You can start recording.", "good");
      }
      root.classList.add("mic-ready");
      document.querySelectorAll(".record").forEach((b) => { b.disabled = false; });
    } catch (err) {
      say(liveStatus, err.message, "bad");
    } finally {
      button.disabled = false;
    }
  }

  function upload(prompt, blob, statusEl, progressEl, attempt) {
    attempt = attempt || 1;
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", base + "/" + encodeURIComponent(prompt.id));
      xhr.setRequestHeader("Content-Type", blob.type || "application/octet-stream");
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) progressEl.value = Math.round((100 * e.loaded) / e.total);
      };
      xhr.onload = () => {
        let body = {};
        try { body = JSON.parse(xhr.responseText); } catch (_e) { /* not JSON */ }
        if (xhr.status === 202) resolve(body);
        else if (xhr.status >= 500 && attempt < 6) retry();
        else reject(new Error(body.message || ("Upload failed (" + xhr.status + ").")));
      };
      xhr.onerror = () => (attempt < 6 ? retry() : reject(new Error(
        "The connection keeps failing. Check your internet and press Upload again.")));
      function retry() {
        const wait = Math.min(30, 2 ** attempt);
        say(statusEl, "Connection problem; trying again in " + wait + " s…", "warn");
        setTimeout(() => upload(prompt, blob, statusEl, progressEl, attempt + 1)
          .then(resolve, reject), wait * 1000);
      }
      progressEl.hidden = false;
      xhr.send(blob);
    });
  }

  async function pollSample(url, statusEl) {
    for (let i = 0; i < 200; i++) {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const body = await response.json();
        if (body.status === "transcribed") {
          say(statusEl, "Received and processed. You can re-record if you want to.", "good");
          return;
        }
        if (body.status === "failed") { say(statusEl, body.message, "bad"); return; }
      }
      await new Promise((r) => setTimeout(r, 3000));
    }
  }

  function setupPrompt(card) {
    const prompt = { id: card.dataset.prompt, maxSeconds: Number(card.dataset.maxSeconds) };
    const record = card.querySelector(".record");
    const stop = card.querySelector(".stop");
    const playback = card.querySelector("audio");
    const statusEl = card.querySelector(".status");
    const countdown = card.querySelector(".countdown");
    const progressEl = card.querySelector("progress");
    const takesEl = card.querySelector(".takes-left");
    let recorder = null, chunks = [], timer = null, left = 0;

    function finish() {
      if (recorder && recorder.state !== "inactive") recorder.stop();
      clearInterval(timer);
      stop.disabled = true;
    }

    record.addEventListener("click", async () => {
      try { await openMicrophone(); } catch (err) { say(statusEl, err.message, "bad"); return; }
      const mimeType = pickMimeType();
      recorder = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
      chunks = [];
      recorder.ondataavailable = (e) => { if (e.data.size) chunks.push(e.data); };
      recorder.onstop = async () => {
        const blob = new Blob(chunks, { type: recorder.mimeType || mimeType || "audio/webm" });
        playback.src = URL.createObjectURL(blob);
        playback.hidden = false;
        record.textContent = "Re-record";
        say(statusEl, "Uploading…");
        try {
          const body = await upload(prompt, blob, statusEl, progressEl);
          card.dataset.sampleId = body.sample_id;
          takesEl.textContent = body.takes_left;
          record.disabled = body.takes_left <= 0;
          say(statusEl, "Uploaded. We are processing your answer…");
          pollSample(body.status_url, statusEl);
        } catch (err) {
          say(statusEl, err.message, "bad");
          record.disabled = false;
        }
      };
      recorder.start(1000);
      record.disabled = true;
      stop.disabled = false;
      stop.focus();
      left = prompt.maxSeconds;
      countdown.textContent = left + " s left";
      say(statusEl, "Recording… press Stop when you are done.");
      timer = setInterval(() => {
        left -= 1;
        countdown.textContent = left + " s left";
        if (left <= 0) finish();
      }, 1000);
    });
    stop.addEventListener("click", finish);
  }

  document.getElementById("mic-check").addEventListener("click", micCheck);
  document.querySelectorAll(".prompt").forEach(setupPrompt);
  const submit = document.getElementById("submit-voice");
  if (submit) {
    submit.addEventListener("click", async () => {
      submit.disabled = true;
      const response = await fetch(base + "/submit", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
      const body = await response.json();
      if (response.ok) window.location.href = root.dataset.hub;
      else { say(document.getElementById("submit-status"), body.message, "bad"); submit.disabled = false; }
    });
  }
})();
