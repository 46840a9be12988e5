/* The "Pictures in the body" panel of the article form (articles/admin/pictures.py): while
 * the body is edited, pictures uploaded or inserted in CKEditor are added to the panel with
 * their alt text, caption and a credit box, before the article is first saved. The script
 * posts the editor's text to the panel's address and shows the panel the server answers,
 * keeping every credit already typed. Without script the panel lists the pictures of the
 * saved body. A static file: the admin's CSP allows no inline script. */
(function () {
  "use strict";

  var WAIT = 600;  // ms of quiet in the editor before the panel is refreshed

  function typedCredits(panel) {
    var typed = {};
    panel.querySelectorAll("input[name^='picture_credit_']").forEach(function (input) {
      typed[input.name] = input.value;
    });
    return typed;
  }

  function init(panel, editor, form) {
    var url = panel.dataset.picturesUrl;
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var timer = null;
    var shown = editor.getData();

    function refresh() {
      var body = editor.getData();
      if (body === shown) return;
      shown = body;
      var data = new FormData();
      data.append("body", body);
      fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": token }
      }).then(function (response) {
        if (!response.ok) throw new Error("the pictures panel answered " + response.status);
        return response.text();
      }).then(function (html) {
        if (body !== shown) return;  // an older answer: a newer one is on its way
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector(".body-pictures");
        if (!fresh) return;
        var typed = typedCredits(panel);
        var list = panel.querySelector(".body-pictures-list");
        list.replaceWith(document.importNode(fresh.querySelector(".body-pictures-list"), true));
        panel.querySelector(".body-pictures-empty").hidden = fresh.querySelector(".body-pictures-empty").hidden;
        panel.querySelectorAll("input[name^='picture_credit_']").forEach(function (input) {
          if (Object.prototype.hasOwnProperty.call(typed, input.name)) input.value = typed[input.name];
        });
      }).catch(function () {
        shown = null;  // try again at the next change
      });
    }

    // Also when an upload ends: the picture's address is written into the text then.
    editor.model.document.on("change:data", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, WAIT);
    });
  }

  function start() {
    var panel = document.querySelector(".body-pictures[data-pictures-url]");
    var textarea = document.getElementById("id_body");
    if (!panel || !textarea) return;
    var form = panel.closest("form");
    var tries = 0;
    (function wait() {
      var editor = window.editors && window.editors.id_body;
      if (editor) {
        init(panel, editor, form);
      } else if (tries++ < 100) {
        setTimeout(wait, 100);
      }
    })();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
