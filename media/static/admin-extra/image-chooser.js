/* The lead-image chooser of the article form (media/admin/chooser.py).
 *
 * "Choose an image" opens a dialog and loads the chooser into it: thumbnails of the media
 * library, a search by caption, credit, alt text, tags and upload date, older pages, and a
 * form to upload a new picture. Picking a thumbnail (or uploading) puts the image's id in
 * the form's hidden field and shows the picture with its caption, credit and alt text in
 * the form straight away; saving the article stores it. A static file: the admin's CSP
 * allows no inline script. */
(function () {
  "use strict";

  function show(root, image) {
    var preview = root.querySelector(".image-chooser-preview");
    var open = root.querySelector(".image-chooser-open");
    root.querySelector(".image-chooser-empty").hidden = Boolean(image);
    root.querySelectorAll(".image-chooser-line").forEach(function (line) {
      line.hidden = !image;
    });
    root.querySelector(".image-chooser-clear").hidden = !image;
    preview.hidden = !image;
    open.textContent = image ? "Choose another image" : "Choose an image";
    if (!image) {
      preview.removeAttribute("src");
      return;
    }
    preview.src = image.preview;
    preview.alt = image.alt;
    if (image.width && image.height) {
      preview.width = image.width;
      preview.height = image.height;
    }
    root.querySelector('[data-field="caption"]').textContent = image.caption || "—";
    root.querySelector('[data-field="credit"]').textContent = image.credit || "—";
    root.querySelector('[data-field="alt"]').textContent = image.alt || "— (needed to publish)";
    root.querySelector('[data-field="edit_url"]').href = image.edit_url;
  }

  function init(root) {
    var input = root.querySelector("input[type=hidden]");
    var dialog = root.querySelector(".image-chooser-dialog");
    var body = dialog.querySelector(".image-chooser-body");
    var open = root.querySelector(".image-chooser-open");
    // Out of the article's <form>: the chooser has forms of its own, and HTML drops a
    // form parsed inside another.
    document.body.appendChild(dialog);

    function load(url) {
      body.setAttribute("aria-busy", "true");
      return fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("The chooser could not be loaded (" + response.status + ").");
          }
          return response.text();
        })
        .then(function (html) {
          body.innerHTML = html;
          var search = body.querySelector("input[type=search]");
          if (search) {
            search.focus();
          }
        })
        .catch(function (error) {
          body.textContent = error.message + " Close this window and try again.";
        })
        .finally(function () {
          body.removeAttribute("aria-busy");
        });
    }

    function choose(image) {
      input.value = String(image.id);
      show(root, image);
      input.dispatchEvent(new Event("change", { bubbles: true }));
      dialog.close();
      open.focus();
    }

    function upload(form) {
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      button.textContent = "Uploading…";
      fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
        .then(function (response) {
          return response.json().then(function (data) {
            if (response.ok && data.image) {
              choose(data.image);
            } else if (data.form) {
              form.parentNode.innerHTML = data.form;
              var invalid = body.querySelector(".image-chooser-upload [aria-invalid=true]");
              if (invalid) {
                invalid.focus();
              }
            } else {
              throw new Error(data.error || "The upload failed.");
            }
          });
        })
        .catch(function (error) {
          button.disabled = false;
          button.textContent = "Upload and choose";
          window.alert(error.message + " Please try again.");
        });
    }

    open.addEventListener("click", function () {
      dialog.showModal();
      load(root.dataset.chooserUrl);
    });
    dialog.querySelector(".image-chooser-close").addEventListener("click", function () {
      dialog.close();
    });
    dialog.addEventListener("close", function () {
      body.innerHTML = "";
    });
    root.querySelector(".image-chooser-clear").addEventListener("click", function () {
      input.value = "";
      show(root, null);
      input.dispatchEvent(new Event("change", { bubbles: true }));
      open.focus();
    });
    body.addEventListener("click", function (event) {
      var choice = event.target.closest(".image-chooser-choice");
      if (choice) {
        choose(JSON.parse(choice.dataset.image));
        return;
      }
      var link = event.target.closest("a.image-chooser-page");
      if (link) {
        event.preventDefault();
        load(link.href);
      }
    });
    body.addEventListener("submit", function (event) {
      var form = event.target;
      event.preventDefault();
      if (form.classList.contains("image-chooser-search")) {
        var params = new URLSearchParams(new FormData(form));
        load(form.action + "?" + params.toString());
      } else if (form.classList.contains("image-chooser-upload")) {
        upload(form);
      }
    });
  }

  function start() {
    document.querySelectorAll(".image-chooser").forEach(init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
