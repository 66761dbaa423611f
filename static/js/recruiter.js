/* Recruiter workspace: charts (vendored Chart.js), live scoring progress, bulk selection.
 * No inline scripts: data comes from <script type="application/json"> blocks and data-*. */
(function () {
  "use strict";

  var POLL_MS = 3000;

  function readJson(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  function chart(canvasId, config) {
    var canvas = document.getElementById(canvasId);
    if (!canvas || typeof window.Chart === "undefined") { return null; }
    config.options = Object.assign({ responsive: true, animation: false,
      plugins: { legend: { display: false } } }, config.options || {});
    return new window.Chart(canvas, config);
  }

  function typingChart() {
    var series = readJson("typing-series");
    if (!series || !series.length) { return; }
    chart("typing-chart", {
      type: "line",
      data: {
        labels: series.map(function (_v, i) { return i + 1; }),
        datasets: [{ label: "raw wpm", data: series, borderColor: "#1f5fbf",
          pointRadius: 0, tension: 0.2 }]
      },
      options: { scales: {
        x: { title: { display: true, text: "second" } },
        y: { beginAtZero: true, title: { display: true, text: "words per minute" } } } }
    });
  }

  function jobCharts() {
    var stats = readJson("job-stats");
    if (!stats) { return; }
    chart("histogram-chart", {
      type: "bar",
      data: { labels: stats.histogram.map(function (b) { return b.label; }),
        datasets: [{ label: "candidates", data: stats.histogram.map(function (b) { return b.count; }),
          backgroundColor: "#1f5fbf" }] },
      options: { scales: { x: { title: { display: true, text: "composite score" } },
        y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
    chart("funnel-chart", {
      type: "bar",
      data: { labels: stats.funnel.map(function (f) { return f.stage; }),
        datasets: [{ label: "candidates", data: stats.funnel.map(function (f) { return f.count; }),
          backgroundColor: "#5b6473" }] },
      options: { indexAxis: "y", scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }

  function progressPoll() {
    var box = document.getElementById("progress");
    if (!box || box.getAttribute("data-in-progress") !== "1") { return; }
    var url = box.getAttribute("data-progress-url");
    function tick() {
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) { window.setTimeout(tick, POLL_MS); return; }
          if (!data.in_progress) {
            box.textContent = "Scoring finished; loading the results…";
            window.location.reload();
            return;
          }
          var detail = document.getElementById("progress-detail");
          if (detail) {
            detail.textContent = data.voice_samples + " recording(s) being transcribed, " +
              data.grammar_checks + " grammar check(s) pending, " + data.tasks +
              " job(s) queued or running";
          }
          window.setTimeout(tick, POLL_MS);
        })
        .catch(function () { window.setTimeout(tick, POLL_MS); });
    }
    window.setTimeout(tick, POLL_MS);
  }

  function bulkSelect() {
    var all = document.getElementById("select-all");
    if (!all) { return; }
    all.addEventListener("change", function () {
      document.querySelectorAll("input.row-select").forEach(function (box) {
        box.checked = all.checked;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    typingChart();
    jobCharts();
    progressPoll();
    bulkSelect();
  });
}());
