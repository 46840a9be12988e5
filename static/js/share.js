// The share button after the share links: where the browser has a share sheet
// (navigator.share, on phones mostly) it opens that; elsewhere it copies the address.
// Hidden where the browser can do neither; the plain links work without this script.
(function () {
  "use strict";
  var canShare = typeof navigator.share === "function";
  if (!canShare && !navigator.clipboard) return;
  document.querySelectorAll(".share-copy").forEach(function (button) {
    var status = button.parentNode.querySelector(".share-status");
    var data = { title: button.dataset.title, url: button.dataset.url };

    function copy() {
      if (!navigator.clipboard) {
        status.textContent = "Select the address bar to copy the link";
        return;
      }
      navigator.clipboard.writeText(data.url).then(
        function () { status.textContent = "Link copied"; },
        function () { status.textContent = "Copy failed: select the address bar instead"; }
      );
    }

    if (canShare && (!navigator.canShare || navigator.canShare(data))) {
      button.textContent = "Share…";
      button.addEventListener("click", function () {
        status.textContent = "";
        Promise.resolve(navigator.share(data)).catch(function (error) {
          // The reader closed the sheet: nothing to say. Anything else: copy instead.
          if (!error || error.name !== "AbortError") copy();
        });
      });
    } else if (navigator.clipboard) {
      button.addEventListener("click", copy);
    } else {
      return;
    }
    button.hidden = false;
  });
})();
