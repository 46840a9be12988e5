// A live blog's open page asks for new updates every data-poll-seconds (one cached
// address for every reader: mostly 304 Not Modified) and offers them with a polite
// "N new updates" button; they are inserted only when the reader presses it, so the text
// being read never moves. Key events and pinned updates at the top are replaced as the
// answer has them, and an update already on the page that was edited or corrected is
// replaced where it stands. Without this script a reload shows everything.
(function () {
  "use strict";
  var section = document.querySelector("[data-live-poll]");
  if (!section || !window.fetch || !window.JSON) return;
  var url = section.dataset.livePoll;
  var seconds = Math.max(1, parseInt(section.dataset.pollSeconds, 10) || 15);
  var list = section.querySelector(".live-updates");
  var highlights = section.querySelector(".live-highlights");
  var shownHighlights = highlights ? highlights.innerHTML.trim() : "";
  var versions = {};
  var button = section.querySelector(".live-new-button");
  var known = {};
  var pending = [];
  var timer = null;
  var failures = 0;

  section.querySelectorAll("[data-update]").forEach(function (el) {
    known[el.dataset.update] = true;
  });

  function label(count) {
    return count === 1 ? "1 new update" : count + " new updates";
  }

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template.content;
  }

  function showHighlights(html) {
    if (!highlights || typeof html !== "string" || html === shownHighlights) return;
    shownHighlights = html;
    highlights.replaceChildren(fragment(html));
    // A newly pinned update now stands at the top: take it out of the list below.
    highlights.querySelectorAll("[data-update]").forEach(function (el) {
      known[el.dataset.update] = true;
      var below = list.querySelector('[data-update="' + el.dataset.update + '"]');
      if (below) below.remove();
    });
  }

  function replaceChanged(update, id) {
    if (versions[id] === update.html) return;
    versions[id] = update.html;
    var old = list.querySelector('[data-update="' + id + '"]');
    var fresh = fragment(update.html);
    var element = fresh.firstElementChild;
    // Compared as the browser writes both, with the times as the server wrote them (before
    // times.js said "2 min ago"), so an unchanged update is left alone.
    if (old && element && asServed(old) !== element.outerHTML) old.replaceWith(fresh);
  }

  function asServed(element) {
    var copy = element.cloneNode(true);
    copy.querySelectorAll("time[data-fallback]").forEach(function (time) {
      time.textContent = time.dataset.fallback;
      delete time.dataset.fallback;
    });
    return copy.outerHTML;
  }

  // "Updated 2 min ago" next to the headline and the updates' times are written by
  // static/js/times.js; here only the moment moves on, and times.js is told.
  function refreshTimes(updated) {
    document.querySelectorAll(".live-updated time[data-relative]").forEach(function (time) {
      if (updated && updated !== time.getAttribute("datetime")) {
        time.setAttribute("datetime", updated);
      }
    });
    document.dispatchEvent(new Event("times:refresh"));
  }

  function receive(data) {
    var fresh = [];
    showHighlights(data.highlights);
    (data.updates || []).forEach(function (update) {
      var id = String(update.id);
      if (known[id]) {
        replaceChanged(update, id);
        return;
      }
      if (pending.some(function (p) { return p.id === id; })) return;
      versions[id] = update.html;
      fresh.push({ id: id, html: update.html });
    });
    if (fresh.length) {
      pending = fresh.concat(pending);  // newest first, as the answer lists them
      button.textContent = "Show " + label(pending.length);
      button.hidden = false;
    }
    refreshTimes(data.updated);  // after replacing: their times too
    return data.live !== false;
  }

  function show() {
    if (!pending.length) return;
    var template = document.createElement("template");
    template.innerHTML = pending.map(function (p) { return p.html; }).join("");
    var first = template.content.firstElementChild;
    var empty = list.querySelector(".live-empty");
    if (empty) empty.remove();
    pending.forEach(function (p) { known[p.id] = true; });
    list.insertBefore(template.content, list.firstChild);
    pending = [];
    button.hidden = true;
    button.textContent = "";
    refreshTimes();
    if (first) first.focus();  // the reader asked for them: take them there
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(poll, delay);
  }

  function poll() {
    if (document.hidden) return;  // resumed by visibilitychange
    fetch(url, { cache: "no-cache", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 304) return true;
        if (!response.ok) throw new Error(response.status);
        return response.json().then(receive);
      })
      .then(function (stillLive) {
        failures = 0;
        if (stillLive) schedule(seconds * 1000);
      })
      .catch(function () {
        failures += 1;  // back off: 2, 4, 8... polls' time, at most ten minutes
        schedule(Math.min(600000, seconds * 1000 * Math.pow(2, failures)));
      });
  }

  button.addEventListener("click", show);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) schedule(0);
  });
  schedule(seconds * 1000);
})();
