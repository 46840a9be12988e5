/* The article form's safety nets (articles/admin/desk.py, articles/autosave.py).
 *
 * - Autosave: every five seconds, when the headline, standfirst, body or search fields
 *   differ from what was last kept, they are posted to the autosave address. The server
 *   keeps them apart from the article (no revision); reopening offers to restore them.
 * - Heartbeat: the same post tells the server the page is still open, and its answer
 *   names anyone else editing the article ("Hana Novak is editing this article").
 * - Unsaved-changes guard: leaving or closing the page with changes not saved asks first.
 * - Ctrl/Cmd+S saves with "Save and continue editing" and stays on the page.
 * A static file: the admin's CSP allows no inline script. */
(function () {
  "use strict";

  var AUTOSAVED = ["title", "standfirst", "body", "seo_title", "seo_description"];
  var IGNORED = ["csrfmiddlewaretoken", "loaded_version"];
  var AUTOSAVE_SECONDS = 5; // how often changes are looked for (and kept when there are some)

  function snapshot(form, names) {
    var data = new FormData(form);
    var parts = [];
    data.forEach(function (value, name) {
      if (IGNORED.indexOf(name) !== -1) return;
      if (names && names.indexOf(name) === -1) return;
      parts.push(name + "=" + (typeof value === "string" ? value : value.name));
    });
    return parts.join("&");
  }

  function editorsReady() {
    var textarea = document.getElementById("id_body");
    if (!textarea || textarea.disabled) return true;
    return Boolean(window.editors && window.editors.id_body);
  }

  function init(desk, form) {
    var url = desk.dataset.autosaveUrl;
    var every = (parseInt(desk.dataset.heartbeatSeconds, 10) || 15) * 1000;
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var others = desk.querySelector(".article-desk-others");
    var status = desk.querySelector(".article-desk-status");
    var baseline = snapshot(form);
    var kept = snapshot(form, AUTOSAVED);
    var submitting = false;

    function dirty() {
      return !submitting && snapshot(form) !== baseline;
    }

    function post(extra) {
      var body = new FormData();
      if (extra) {
        Object.keys(extra).forEach(function (name) { body.append(name, extra[name]); });
      }
      return fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": token }
      }).then(function (response) {
        if (!response.ok) throw new Error("autosave answered " + response.status);
        return response.json();
      });
    }

    function showOthers(names) {
      if (!names || !names.length) {
        others.hidden = true;
        others.textContent = "";
        return;
      }
      others.textContent = names.join(", ") + (names.length === 1 ? " is" : " are") +
        " editing this article.";
      others.hidden = false;
    }

    var lastBeat = Date.now();

    function tick() {
      if (snapshot(form, AUTOSAVED) !== kept || Date.now() - lastBeat >= every) beat();
    }

    function beat() {
      var now = snapshot(form, AUTOSAVED);
      var changes = null;
      lastBeat = Date.now();
      if (now !== kept) {
        changes = {};
        var data = new FormData(form);
        AUTOSAVED.forEach(function (name) {
          if (data.has(name)) changes[name] = data.get(name);
        });
      }
      post(changes).then(function (answer) {
        showOthers(answer.others);
        if (changes) {
          kept = now;
          status.textContent = "Unsaved changes kept at " + answer.saved_at +
            " (not published or saved as a revision until you save).";
        }
      }).catch(function () {
        status.textContent = "Could not keep your changes just now; they are still in the form.";
      });
    }

    form.addEventListener("submit", function () { submitting = true; });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty()) return;
      event.preventDefault();
      event.returnValue = "";
    });
    window.addEventListener("pagehide", function () {
      if (submitting || !navigator.sendBeacon) return;
      var data = new FormData();
      data.append("leave", "1");
      data.append("csrfmiddlewaretoken", token);
      navigator.sendBeacon(url, data);
    });
    document.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "s") {
        event.preventDefault();
        var save = form.querySelector("input[name=_continue]");
        if (save) {
          // Let CKEditor write its latest text into the form before it is sent.
          window.setTimeout(function () { save.click(); }, 0);
        }
      }
    });
    window.setInterval(tick, AUTOSAVE_SECONDS * 1000);
    window.articleDesk = { beat: beat, dirty: dirty };
  }

  function start() {
    var desk = document.getElementById("article-desk");
    var form = document.getElementById("article_form");
    if (!desk || !form) return;
    // The baseline is taken once the body's editor is ready, so its start-up is no change.
    var tries = 0;
    var wait = window.setInterval(function () {
      tries += 1;
      if (editorsReady() || tries > 100) {
        window.clearInterval(wait);
        init(desk, form);
      }
    }, 100);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
