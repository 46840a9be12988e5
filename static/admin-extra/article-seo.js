/* Search and sharing preview on the article form (articles/admin/articles.py,
 * sharing_preview): a search result and a shared-link card built live from the headline or
 * SEO title, the standfirst or SEO description and the lead image, the length of the SEO
 * title (aim for about 60 characters) and description (about 155), and warnings for what
 * readers and search engines would miss. Text is set with textContent only. A static
 * file: the admin's CSP allows no inline script. */
(function () {
  "use strict";

  var TITLE_AIM = 60;
  var DESCRIPTION_AIM = 155;

  function value(id) {
    var field = document.getElementById(id);
    return field ? field.value.trim() : "";
  }

  function cut(text, limit) {
    return text.length > limit ? text.slice(0, limit - 1).trimEnd() + "…" : text;
  }

  function counter(id, aim) {
    var field = document.getElementById(id);
    if (!field) return null;
    var note = document.createElement("p");
    note.className = "seo-count";
    note.id = id + "-count";
    note.setAttribute("aria-live", "polite");
    (field.closest(".flex-container") || field).insertAdjacentElement("afterend", note);
    field.setAttribute("aria-describedby", note.id);
    return function () {
      var length = field.value.trim().length;
      note.textContent = length + " of about " + aim + " characters" +
        (length > aim ? ": search engines will cut it short" : "");
      note.classList.toggle("seo-count-over", length > aim);
    };
  }

  function leadImage() {
    var preview = document.querySelector(".image-chooser-preview");
    if (!preview || preview.hidden || !preview.getAttribute("src")) return null;
    var alt = document.querySelector('.image-chooser [data-field="alt"]');
    var altText = alt ? alt.textContent.trim() : "";
    return { src: preview.currentSrc || preview.src, hasAlt: altText !== "" && altText.charAt(0) !== "—" };
  }

  function bodyPicturesWithoutAlt() {
    var body = document.getElementById("id_body");
    if (!body) return 0;
    var parsed = new DOMParser().parseFromString(body.value, "text/html");
    return Array.prototype.filter.call(parsed.querySelectorAll("img"), function (img) {
      return !(img.getAttribute("alt") || "").trim();
    }).length;
  }

  function warnings() {
    var found = [];
    var image = leadImage();
    if (!image) {
      found.push("No lead image: shared links show no picture.");
    } else if (!image.hasAlt) {
      found.push("The lead image has no alt text: add it in the media library.");
    }
    var missing = bodyPicturesWithoutAlt();
    if (missing) {
      found.push(missing + (missing === 1 ? " picture" : " pictures") +
        " in the body " + (missing === 1 ? "has" : "have") + " no alt text.");
    }
    if (!value("id_standfirst")) {
      found.push("The standfirst is empty: search results and shares fall back to the " +
        "opening of the body.");
    }
    if (value("id_seo_title").length > TITLE_AIM) {
      found.push("The SEO title is longer than about " + TITLE_AIM + " characters.");
    }
    if (value("id_seo_description").length > DESCRIPTION_AIM) {
      found.push("The SEO description is longer than about " + DESCRIPTION_AIM + " characters.");
    }
    return found;
  }

  function render(root, counters) {
    var title = value("id_seo_title") || value("id_title") || "Headline";
    var description = value("id_seo_description") || value("id_standfirst");
    var slug = value("id_slug");
    var path = root.dataset.path || "/…/" + (slug ? slug + "/" : "");
    var set = function (selector, text) { root.querySelector(selector).textContent = text; };
    set(".search-preview-address", root.dataset.siteHost + path.replace(/\//g, " › ").replace(/ › $/, ""));
    set(".search-preview-title", cut(title, TITLE_AIM) + " | " + root.dataset.siteName);
    set(".search-preview-description", cut(description || "(the opening of the body)", DESCRIPTION_AIM));
    set(".card-preview-host", root.dataset.siteHost.toUpperCase());
    set(".card-preview-title", title);
    set(".card-preview-description", cut(description, 200));
    var image = leadImage();
    var img = root.querySelector(".card-preview-image");
    img.hidden = !image;
    if (image && img.getAttribute("src") !== image.src) img.src = image.src;
    var list = root.querySelector(".sharing-warnings");
    var items = warnings();
    var text = items.join("\n");
    if (list.dataset.text !== text) {
      list.dataset.text = text;
      list.replaceChildren.apply(list, items.map(function (message) {
        var li = document.createElement("li");
        li.textContent = message;
        return li;
      }));
    }
    counters.forEach(function (update) { if (update) update(); });
  }

  function start() {
    var root = document.querySelector(".sharing-preview");
    if (!root) return;
    var counters = [counter("id_seo_title", TITLE_AIM), counter("id_seo_description", DESCRIPTION_AIM)];
    var update = function () { render(root, counters); };
    document.getElementById("article_form").addEventListener("input", update);
    // The body's editor and the image chooser change fields without input events.
    window.setInterval(update, 1000);
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
