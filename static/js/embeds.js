// Click-to-load embeds: the provider's player is requested only when the reader asks for
// it. Until then the page shows our own poster and a button (templates/embeds/facade.html).
(function () {
  "use strict";
  document.querySelectorAll(".embed-frame[data-embed-src]").forEach(function (frame) {
    var button = frame.querySelector(".embed-load");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var player = document.createElement("iframe");
      player.src = frame.dataset.embedSrc;
      player.title = frame.dataset.embedTitle;
      player.setAttribute("allow", "autoplay; encrypted-media; picture-in-picture; fullscreen");
      player.setAttribute("allowfullscreen", "");
      player.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
      frame.replaceChildren(player);
      frame.classList.add("embed-frame--loaded");
      player.focus();
    });
  });
})();
