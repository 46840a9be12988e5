// Copy-link button for the share links: shown only where the browser can copy; the plain
// links work without this script.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  document.querySelectorAll(".share-copy").forEach(function (button) {
    var status = button.parentNode.querySelector(".share-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.dataset.url).then(
        function () { status.textContent = "Link copied"; },
        function () { status.textContent = "Copy failed: select the address bar instead"; }
      );
    });
  });
})();
