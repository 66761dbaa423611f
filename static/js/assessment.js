/*
 * Test page script: autosave, offline retry, server-owned timer, integrity signals, typing and
 * ten-key keystroke logs. No framework, no CDN. Reads its settings from
 * <script id="assessment-config">:
 *   {attemptId, section, remainingS, saveUrl ("__ITEM__" = item id), integrityUrl, submitUrl,
 *    hubUrl, seqs {item: last stored seq}, typingLog [{t, key}] | null, keyLog [{t, key}] | null}
 *
 * Autosave: each change is queued as {value, seq} per item (seq increases per item), kept in
 * localStorage until the server acknowledges it, and sent with PUT (debounced). Failed sends
 * are retried when the browser is back online and every few seconds. 409 = time is up or
 * already submitted (stop and go back to the hub); 422 = the answer is not valid (shown next to
 * the question).
 */
/*
 * Connection check of the eligibility page (a form with data-speedtest): a few pings to our
 * server (median round trip in ms) and one or two downloads of random bytes (megabits per
 * second), written into the hidden fields measured_latency_ms and measured_mbps. Submitting
 * waits for the check at most SUBMIT_WAIT_MS; a failed check leaves the fields empty.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-speedtest]");
  if (!form || !window.fetch || !window.performance) { return; }
  var statusNode = document.getElementById("speedtest-status");
  var pingUrl = form.getAttribute("data-ping-url");
  var downloadUrl = form.getAttribute("data-download-url");
  var PINGS = 5;
  var FIRST_BYTES = 500000;
  var SECOND_BYTES = 5000000;
  var SUBMIT_WAIT_MS = 8000;
  var done = false;
  var waiters = [];

  function say(text) { if (statusNode) { statusNode.textContent = text; } }
  function bust(url) { return url + (url.indexOf("?") < 0 ? "?" : "&") + "r=" + Math.random(); }
  function get(url) {
    return fetch(bust(url), {cache: "no-store", credentials: "same-origin"}).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.arrayBuffer();
    });
  }
  function median(values) {
    var sorted = values.slice().sort(function (a, b) { return a - b; });
    var mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
  function pings(left, times) {
    if (left === 0) { return Promise.resolve(times); }
    var started = performance.now();
    return get(pingUrl).then(function () {
      times.push(performance.now() - started);
      return pings(left - 1, times);
    });
  }
  function download(bytes) {
    var started = performance.now();
    return get(downloadUrl + "?bytes=" + bytes).then(function (body) {
      var seconds = Math.max((performance.now() - started) / 1000, 0.001);
      return {mbps: body.byteLength * 8 / seconds / 1e6, seconds: seconds};
    });
  }
  function finish() {
    done = true;
    waiters.splice(0).forEach(function (fn) { fn(); });
  }

  get(pingUrl)  // warm up the connection; not counted
    .then(function () { return pings(PINGS, []); })
    .then(function (times) {
      form.elements.measured_latency_ms.value = median(times).toFixed(1);
      return download(FIRST_BYTES);
    })
    .then(function (first) {
      // A fast first download says little (start-up dominates): measure a larger one.
      return first.seconds < 1 ? download(SECOND_BYTES) : first;
    })
    .then(function (result) {
      form.elements.measured_mbps.value = result.mbps.toFixed(2);
      say("Connection check done: about " + Math.round(result.mbps) + " Mbps download, "
          + Math.round(parseFloat(form.elements.measured_latency_ms.value)) + " ms round trip "
          + "to our server. This is for information only.");
      finish();
    })
    .catch(function () {
      say("The connection check could not finish; that is fine, you can continue.");
      finish();
    });

  form.addEventListener("submit", function (event) {
    if (done) { return; }
    event.preventDefault();
    say("Finishing the connection check…");
    var sent = false;
    var send = function () { if (!sent) { sent = true; form.submit(); } };
    waiters.push(send);
    window.setTimeout(send, SUBMIT_WAIT_MS);
  });
}());

(function () {
  "use strict";

  var configNode = document.getElementById("assessment-config");
  if (!configNode) { return; }
  var config = JSON.parse(configNode.textContent);
  var form = document.getElementById("assessment");
  var statusNode = document.getElementById("save-status");
  var timeNode = document.getElementById("time-left");
  var storeKey = "screening:attempt:" + config.attemptId;
  var SAVE_DELAY_MS = 800;
  var RETRY_MS = 5000;
  var SIGNAL_GAP_MS = 2000;
  var closed = false;

  function loadStore() {
    try {
      return JSON.parse(window.localStorage.getItem(storeKey)) || {pending: {}, seqs: {}};
    } catch (e) {
      return {pending: {}, seqs: {}};
    }
  }
  var store = loadStore();
  store.pending = store.pending || {};
  store.seqs = store.seqs || {};
  function persist() {
    try { window.localStorage.setItem(storeKey, JSON.stringify(store)); } catch (e) { /* full */ }
  }
  Object.keys(config.seqs || {}).forEach(function (item) {
    store.seqs[item] = Math.max(store.seqs[item] || 0, config.seqs[item]);
  });

  function say(text) { if (statusNode) { statusNode.textContent = text; } }

  function showError(item, text) {
    var node = document.querySelector('[data-error-for="' + item + '"]');
    if (node) { node.textContent = text || ""; }
  }

  /* ------------------------------------------------------------------ autosave queue */
  var timers = {};
  var inFlight = {};

  function queue(item, value, immediate) {
    if (closed) { return; }
    store.seqs[item] = (store.seqs[item] || 0) + 1;
    store.pending[item] = {value: value, seq: store.seqs[item]};
    persist();
    say("Saving…");
    window.clearTimeout(timers[item]);
    timers[item] = window.setTimeout(function () { send(item); }, immediate ? 0 : SAVE_DELAY_MS);
  }

  function send(item) {
    var entry = store.pending[item];
    if (!entry || inFlight[item] || closed) { return Promise.resolve(); }
    inFlight[item] = true;
    var url = config.saveUrl.replace("__ITEM__", encodeURIComponent(item));
    return fetch(url, {
      method: "PUT",
      headers: {"Content-Type": "application/json", "Accept": "application/json"},
      body: JSON.stringify({value: entry.value, seq: entry.seq}),
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        inFlight[item] = false;
        if (response.ok) {
          var current = store.pending[item];
          if (current && current.seq <= entry.seq) { delete store.pending[item]; }
          persist();
          showError(item, "");
          if (typeof body.remaining_s === "number") { setRemaining(body.remaining_s); }
          say(Object.keys(store.pending).length ? "Saving…" : "All answers saved.");
          if (store.pending[item]) { send(item); }
        } else if (response.status === 409) {
          finish(body.message || "This test is closed.");
        } else if (response.status === 422) {
          delete store.pending[item];
          persist();
          showError(item, body.message || "This answer cannot be accepted.");
          say("One answer needs your attention.");
        } else {
          say("Could not save right now; we will try again.");
        }
      });
    }).catch(function () {
      inFlight[item] = false;
      say("You seem to be offline. Your answers are kept on this device and will be sent "
          + "when you are back online.");
    });
  }

  function flushAll() {
    return Promise.all(Object.keys(store.pending).map(function (item) {
      window.clearTimeout(timers[item]);
      return send(item);
    }));
  }

  window.addEventListener("online", flushAll);
  window.setInterval(function () {
    if (Object.keys(store.pending).length) { flushAll(); }
  }, RETRY_MS);

  /* ------------------------------------------------------------------ answer inputs */
  function valueOf(node) {
    if (node.getAttribute("data-kind") === "choice") {
      var checked = node.querySelector("input[type=radio]:checked");
      return checked ? parseInt(checked.value, 10) : null;
    }
    return node.value;
  }

  function restore(node, value) {
    if (node.getAttribute("data-kind") === "choice") {
      var radio = node.querySelector('input[type=radio][value="' + value + '"]');
      if (radio) { radio.checked = true; }
    } else {
      node.value = value;
    }
  }

  function updateWordCount(item, text) {
    var node = document.querySelector('[data-word-count="' + item + '"]');
    if (node) {
      var words = text.trim() ? text.trim().split(/\s+/).length : 0;
      node.textContent = words + (words === 1 ? " word" : " words");
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-item]"), function (node) {
    var item = node.getAttribute("data-item");
    var pending = store.pending[item];
    if (pending && pending.value !== null && pending.value !== undefined) {
      restore(node, pending.value);
    }
    if (node.tagName === "TEXTAREA") { updateWordCount(item, node.value); }
    var handler = function () {
      var value = valueOf(node);
      if (value === null) { return; }
      if (node.tagName === "TEXTAREA") { updateWordCount(item, value); }
      queue(item, value, node.getAttribute("data-kind") === "choice");
    };
    node.addEventListener("change", handler);
    if (node.tagName === "TEXTAREA" || node.tagName === "INPUT") {
      node.addEventListener("input", handler);
    }
  });

  /* ------------------------------------------------------------------ timer */
  var deadline = 0;
  function setRemaining(seconds) { deadline = Date.now() + seconds * 1000; tick(); }
  function format(seconds) {
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }
  var announced = false;
  function tick() {
    var left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    if (timeNode) { timeNode.textContent = format(left); }
    if (left <= 60 && !announced && left > 0) {
      announced = true;
      say("One minute left.");
    }
    if (left === 0 && !closed) { submitNow(true); }
  }
  setRemaining(config.remainingS);
  window.setInterval(tick, 1000);

  /* ------------------------------------------------------------------ submit */
  var submitting = false;
  function finish(message) {
    closed = true;
    window.localStorage.removeItem(storeKey);
    window.localStorage.removeItem(storeKey + ":typing-start");
    say(message + " Returning to your tests…");
    window.setTimeout(function () { window.location.assign(config.hubUrl); }, 2500);
  }

  function submitNow(auto) {
    if (submitting) { return; }
    submitting = true;
    say(auto ? "Time is up. Submitting your saved answers…" : "Submitting…");
    if (typingFlush) { typingFlush(); }
    flushAll().then(function () {
      return fetch(config.submitUrl, {
        method: "POST",
        headers: {"Content-Type": "application/json", "Accept": "application/json"},
        body: "{}",
        credentials: "same-origin"
      });
    }).then(function (response) {
      if (response.ok || response.status === 409) {
        finish("Your answers were submitted.");
      } else {
        submitting = false;
        say("Could not submit right now; please try again.");
      }
    }).catch(function () {
      submitting = false;
      say("You seem to be offline. Submit again when you are back online.");
    });
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (window.confirm("Submit this test? You cannot change your answers afterwards.")) {
        submitNow(false);
      }
    });
  }

  /* ------------------------------------------------------------------ integrity signals */
  var lastSignal = {};
  function signal(kind) {
    if (closed) { return; }
    var now = Date.now();
    if (lastSignal[kind] && now - lastSignal[kind] < SIGNAL_GAP_MS) { return; }
    lastSignal[kind] = now;
    fetch(config.integrityUrl, {
      method: "POST",
      headers: {"Content-Type": "application/json", "Accept": "application/json"},
      body: JSON.stringify({kind: kind}),
      credentials: "same-origin"
    }).catch(function () { /* a lost signal is acceptable */ });
  }
  document.addEventListener("paste", function () { signal("paste"); });
  document.addEventListener("copy", function () { signal("copy"); });
  window.addEventListener("blur", function () { signal("blur"); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { signal("hidden"); }
  });

  /* ------------------------------------------------------------------ typing capture */
  var typingFlush = null;
  var box = document.querySelector("[data-typing-item]");
  if (box) {
    var typingItem = box.getAttribute("data-typing-item");
    var limitMs = parseFloat(box.getAttribute("data-time-limit-s")) * 1000;
    var typingNode = document.getElementById("typing-time");
    var startKey = storeKey + ":typing-start";
    var pendingLog = store.pending[typingItem];
    var log = (pendingLog && Array.isArray(pendingLog.value)) ? pendingLog.value
      : (Array.isArray(config.typingLog) ? config.typingLog : []);
    var startedAt = parseFloat(window.localStorage.getItem(startKey) || "0");
    if (log.length && !startedAt) {
      // Resumed on another device or after storage was cleared: continue after the last key.
      startedAt = Date.now() - log[log.length - 1].t;
    }
    var typingTimer = null;

    var rebuild = function () {
      var text = "";
      log.forEach(function (e) {
        text = e.key === "Backspace" ? text.slice(0, -1) : text + e.key;
      });
      box.value = text;
    };
    rebuild();

    var elapsed = function () { return startedAt ? Date.now() - startedAt : 0; };
    var timeUp = function () { return startedAt && elapsed() >= limitMs; };
    var showTypingTime = function () {
      if (!typingNode) { return; }
      if (!startedAt) { typingNode.textContent = "Your typing time starts with your first key."; }
      else {
        var left = Math.max(0, Math.ceil((limitMs - elapsed()) / 1000));
        typingNode.textContent = "Typing time left: " + left + " s";
        if (left === 0) {
          box.readOnly = true;
          typingNode.textContent = "Typing time is over. Submit the test when you are ready.";
        }
      }
    };
    showTypingTime();
    window.setInterval(showTypingTime, 500);

    typingFlush = function () {
      window.clearTimeout(typingTimer);
      typingTimer = null;
      queue(typingItem, log.slice(), true);
    };

    box.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || closed) {
        if (event.key === "v" || event.key === "V") { event.preventDefault(); }
        return;
      }
      var key = event.key;
      if (key !== "Backspace" && (key.length !== 1 || key < " ")) {
        if (key === "Enter" || key === "Tab") {
          if (key === "Enter") { event.preventDefault(); }
        }
        return;  // arrows, shift etc. are not recorded; Tab keeps moving focus
      }
      event.preventDefault();  // the log is the truth: the box shows what the log says
      if (timeUp()) { return; }
      var now = Date.now();
      if (!startedAt) {
        startedAt = now;  // the first key is at t = 0
        window.localStorage.setItem(startKey, String(startedAt));
      }
      log.push({t: now - startedAt, key: key});
      if (key === "Backspace") { box.value = box.value.slice(0, -1); } else { box.value += key; }
      if (!typingTimer) {
        typingTimer = window.setTimeout(function () { typingTimer = null; typingFlush(); }, 1500);
      }
    });
    box.addEventListener("paste", function (event) { event.preventDefault(); });
    box.addEventListener("drop", function (event) { event.preventDefault(); });
    box.addEventListener("cut", function (event) { event.preventDefault(); });
    // Leaving or reloading the page: keys not queued yet go to localStorage at once.
    window.addEventListener("pagehide", function () { if (typingTimer) { typingFlush(); } });
  }

  /* ------------------------------------------------------------------ ten-key capture */
  // Keys 0-9 and "." append to the current entry, Backspace removes its last character, Enter
  // submits it (the server replays the same log: screening/scoring/tenkey.py). The input shows
  // the current entry; the list shows what was keyed for each number.
  var keypad = document.querySelector("[data-tenkey-item]");
  if (keypad) {
    var tenkeyItem = keypad.getAttribute("data-tenkey-item");
    var keypadLimitMs = parseFloat(keypad.getAttribute("data-time-limit-s")) * 1000;
    var keypadTimeNode = document.getElementById("tenkey-time");
    var currentNode = document.getElementById("tenkey-current");
    var keypadStartKey = storeKey + ":typing-start";
    var pendingKeys = store.pending[tenkeyItem];
    var keys = (pendingKeys && Array.isArray(pendingKeys.value)) ? pendingKeys.value
      : (Array.isArray(config.keyLog) ? config.keyLog : []);
    var keypadStartedAt = parseFloat(window.localStorage.getItem(keypadStartKey) || "0");
    if (keys.length && !keypadStartedAt) {
      keypadStartedAt = Date.now() - keys[keys.length - 1].t;
    }
    var keypadTimer = null;
    var rows = document.querySelectorAll("[data-keyed]");

    var showEntries = function () {
      var entries = [];
      var buffer = "";
      keys.forEach(function (e) {
        if (e.key === "Enter") { entries.push(buffer); buffer = ""; }
        else if (e.key === "Backspace") { buffer = buffer.slice(0, -1); }
        else { buffer += e.key; }
      });
      Array.prototype.forEach.call(rows, function (node, index) {
        node.textContent = index < entries.length ? "→ " + (entries[index] || "(empty)") : "";
        node.parentNode.classList.toggle("current", index === entries.length);
      });
      keypad.value = buffer;
      if (currentNode) { currentNode.textContent = String(Math.min(entries.length + 1, rows.length)); }
    };
    showEntries();

    var keypadElapsed = function () { return keypadStartedAt ? Date.now() - keypadStartedAt : 0; };
    var keypadTimeUp = function () { return keypadStartedAt && keypadElapsed() >= keypadLimitMs; };
    var showKeypadTime = function () {
      if (!keypadTimeNode) { return; }
      if (!keypadStartedAt) {
        keypadTimeNode.textContent = "Your keying time starts with your first key.";
        return;
      }
      var left = Math.max(0, Math.ceil((keypadLimitMs - keypadElapsed()) / 1000));
      keypadTimeNode.textContent = "Keying time left: " + left + " s";
      if (left === 0) {
        keypad.readOnly = true;
        keypadTimeNode.textContent = "Keying time is over. Submit the test when you are ready.";
      }
    };
    showKeypadTime();
    window.setInterval(showKeypadTime, 500);

    typingFlush = function () {
      window.clearTimeout(keypadTimer);
      keypadTimer = null;
      queue(tenkeyItem, keys.slice(), true);
    };

    keypad.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || closed) {
        if (event.key === "v" || event.key === "V") { event.preventDefault(); }
        return;
      }
      var key = event.key;
      if (event.code === "NumpadDecimal") { key = "."; }  // "," on some keyboard layouts
      if (!/^[0-9.]$/.test(key) && key !== "Enter" && key !== "Backspace") {
        if (key.length === 1) { event.preventDefault(); }  // other characters are not keyed
        return;  // Tab, arrows, Shift... keep their normal behaviour
      }
      event.preventDefault();  // the log is the truth: the box shows what the log says
      if (keypadTimeUp()) { return; }
      var now = Date.now();
      if (!keypadStartedAt) {
        keypadStartedAt = now;
        window.localStorage.setItem(keypadStartKey, String(keypadStartedAt));
      }
      keys.push({t: now - keypadStartedAt, key: key});
      showEntries();
      if (!keypadTimer) {
        keypadTimer = window.setTimeout(function () { keypadTimer = null; typingFlush(); }, 1500);
      }
    });
    keypad.addEventListener("paste", function (event) { event.preventDefault(); });
    keypad.addEventListener("drop", function (event) { event.preventDefault(); });
    window.addEventListener("pagehide", function () { if (keypadTimer) { typingFlush(); } });
  }
}());
