// The tips desk's reply page (admin): seal the reply to the source's codename key in this
// browser, so that the server only ever receives the sealed form. The format is the one
// tips/codename.py opens: ephemeral X25519 public key (32 bytes), nonce (12), AES-256-GCM
// ciphertext and tag; the key is HKDF-SHA256 (zero salt) of the X25519 shared secret, with
// info "defenceblog tips reply v1" + ephemeral public key + recipient public key.
// A browser without X25519 in WebCrypto sends the text as it is, and the server seals it.
(function () {
  "use strict";
  var form = document.getElementById("tips-reply-form");
  if (!form || !window.crypto || !window.crypto.subtle) { return; }
  var subtle = window.crypto.subtle;
  var INFO = new TextEncoder().encode("defenceblog tips reply v1");

  function fromBase64(text) {
    return Uint8Array.from(atob(text), function (c) { return c.charCodeAt(0); });
  }
  function toBase64(bytes) {
    var out = "";
    for (var i = 0; i < bytes.length; i += 1) { out += String.fromCharCode(bytes[i]); }
    return btoa(out);
  }
  function join(parts) {
    var length = parts.reduce(function (n, p) { return n + p.length; }, 0);
    var out = new Uint8Array(length);
    var at = 0;
    parts.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  }

  async function seal(text, recipientRaw) {
    var recipient = await subtle.importKey("raw", recipientRaw, { name: "X25519" }, false, []);
    var ephemeral = await subtle.generateKey({ name: "X25519" }, true, ["deriveBits"]);
    var ephemeralRaw = new Uint8Array(await subtle.exportKey("raw", ephemeral.publicKey));
    var shared = await subtle.deriveBits({ name: "X25519", public: recipient }, ephemeral.privateKey, 256);
    var hkdf = await subtle.importKey("raw", shared, "HKDF", false, ["deriveKey"]);
    var key = await subtle.deriveKey(
      { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info: join([INFO, ephemeralRaw, recipientRaw]) },
      hkdf, { name: "AES-GCM", length: 256 }, false, ["encrypt"]
    );
    var nonce = window.crypto.getRandomValues(new Uint8Array(12));
    var body = new Uint8Array(await subtle.encrypt({ name: "AES-GCM", iv: nonce }, key, new TextEncoder().encode(text)));
    return join([ephemeralRaw, nonce, body]);
  }

  form.addEventListener("submit", function (event) {
    var text = form.elements.text;
    if (form.dataset.sealed === "yes" || !text.value) { return; }
    event.preventDefault();
    var status = document.getElementById("tips-reply-status");
    seal(text.value, fromBase64(form.dataset.replyKey)).then(function (sealed) {
      form.elements.sealed.value = toBase64(sealed);
      text.value = "";  // the text itself is never sent
      form.dataset.sealed = "yes";
      status.textContent = "Sealed in your browser. Sending…";
      form.submit();
    }, function () {
      form.dataset.sealed = "yes";
      status.textContent = "This browser cannot seal the reply itself: the server seals it as it arrives.";
      form.submit();
    });
  });
}());
