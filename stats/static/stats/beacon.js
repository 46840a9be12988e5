// The audience beacon (stats/, docs/privacy-analytics.md): no cookie, no storage, no
// identifier, no third party. It tells /stats/hit that this page was viewed, that its
// reader was engaged for 15 s while it was visible, how far through its body they read
// (50%, 90%) and, when they leave, how long they were engaged.
(function () {
  "use strict";
  var ENDPOINT = "/stats/hit";
  var ENGAGED_SECONDS = 15;
  var IDLE_SECONDS = 30;
  var sent = {};
  var engaged = 0;
  var lastActive = Date.now();

  function utm() {
    var params = new URLSearchParams(location.search);
    var tags = {};
    ["source", "medium", "campaign"].forEach(function (name) {
      var value = params.get("utm_" + name);
      if (value) tags[name] = value.slice(0, 60);
    });
    return tags;
  }

  function referrerHost() {
    if (!document.referrer) return "";
    try {
      var host = new URL(document.referrer).hostname.toLowerCase();
      return host === location.hostname ? "" : host.slice(0, 100);
    } catch (e) {
      return "";
    }
  }

  var base = { p: location.pathname.slice(0, 300), r: referrerHost(), u: utm() };

  function send(kind, seconds) {
    var body = JSON.stringify({ p: base.p, r: base.r, u: base.u, k: kind, s: seconds || 0 });
    var blob = new Blob([body], { type: "text/plain" });
    if (!(navigator.sendBeacon && navigator.sendBeacon(ENDPOINT, blob))) {
      fetch(ENDPOINT, { method: "POST", body: blob, keepalive: true, credentials: "omit" });
    }
  }

  function once(kind) {
    if (sent[kind]) return;
    sent[kind] = true;
    send(kind);
  }

  function depth() {
    var body = document.querySelector(".article-body") || document.querySelector("main");
    if (!body) return;
    var box = body.getBoundingClientRect();
    if (box.height <= 0) return;
    var read = (window.innerHeight - box.top) / box.height;
    if (read >= 0.5) once(3);
    if (read >= 0.9) once(4);
  }

  function active() {
    lastActive = Date.now();
  }

  ["scroll", "keydown", "pointerdown", "pointermove", "touchstart"].forEach(function (name) {
    window.addEventListener(name, active, { passive: true });
  });
  window.addEventListener("scroll", depth, { passive: true });

  setInterval(function () {
    if (document.visibilityState !== "visible") return;
    if (Date.now() - lastActive > IDLE_SECONDS * 1000) return;
    engaged += 1;
    if (engaged >= ENGAGED_SECONDS) once(2);
  }, 1000);

  // Leaving: the tab hidden (phones rarely fire pagehide) or the page unloaded.
  function leave() {
    if (engaged >= ENGAGED_SECONDS && !sent[5]) {
      sent[5] = true;
      send(5, Math.min(engaged, 3600));
    }
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") leave();
  });
  window.addEventListener("pagehide", leave);

  send(1);
  depth();
})();
