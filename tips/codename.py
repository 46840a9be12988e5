"""Codenames: how a source comes back without an account, and how replies are sealed so
that the server cannot read them.

A codename is CODENAME_WORDS random words (over 64 bits). Argon2id stretches it, with a
per-site salt, into 64 bytes: the first half, hashed once more, is the row's `lookup`;
the second half is an X25519 private key, whose public half is the only key stored.
A reply is sealed to that public key (an ephemeral X25519 exchange, HKDF-SHA256 with a
zero salt, AES-256-GCM: what both `cryptography` here and the browser's WebCrypto do, so
the desk's browser seals a reply before sending it, static/js/tips-reply.js); only someone
who types the codename again can open it. The codename itself is never stored, logged or
sent anywhere.
"""

import hashlib
import os
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.crypto import salted_hmac

from .wordlist import WORDS

CODENAME_WORDS = 8
_RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw
_INFO = b"defenceblog tips reply v1"
_NONCE = 12


def new_codename():
    return " ".join(secrets.choice(WORDS) for _ in range(CODENAME_WORDS))


def normalise(codename):
    """Case, spaces and dashes do not matter to a frightened person typing it back."""
    return " ".join(codename.lower().replace("-", " ").split())


def looks_like_codename(codename):
    words = normalise(codename).split()
    return len(words) == CODENAME_WORDS and all(word in WORDS for word in words)


def _site_salt():
    if settings.TIPS_CODENAME_SALT:
        return hashlib.sha256(settings.TIPS_CODENAME_SALT.encode()).digest()[:16]
    return salted_hmac("tips.codename-salt", "v1", algorithm="sha256").digest()[:16]


@dataclass(frozen=True)
class CodenameKeys:
    lookup: str
    private_key: X25519PrivateKey

    @property
    def public_bytes(self):
        return self.private_key.public_key().public_bytes(*_RAW)


def derive(codename):
    """The codename's lookup and key pair (deliberately slow: Argon2id)."""
    stretched = Argon2id(
        salt=_site_salt(),
        length=64,
        iterations=settings.TIPS_ARGON2_ITERATIONS,
        lanes=1,
        memory_cost=settings.TIPS_ARGON2_MEMORY_KIB,
    ).derive(normalise(codename).encode())
    lookup = hashlib.sha256(stretched[:32]).hexdigest()
    return CodenameKeys(lookup, X25519PrivateKey.from_private_bytes(stretched[32:]))


def _key(shared, ephemeral_public, recipient_public):
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=_INFO + ephemeral_public + recipient_public,
    ).derive(shared)


def seal(text, public_bytes):
    """Encrypt a reply to a codename's public key: ephemeral key, nonce, ciphertext."""
    recipient = X25519PublicKey.from_public_bytes(bytes(public_bytes))
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(*_RAW)
    key = _key(ephemeral.exchange(recipient), ephemeral_public, bytes(public_bytes))
    nonce = os.urandom(_NONCE)
    return ephemeral_public + nonce + AESGCM(key).encrypt(nonce, text.encode(), None)


SEALED_MIN_BYTES = 32 + _NONCE + 16  # ephemeral key, nonce, tag (an empty text)


def well_formed(sealed):
    """Whether bytes have the shape of a sealed reply (which only the codename can check)."""
    return len(sealed) >= SEALED_MIN_BYTES


class CannotOpen(Exception):
    """Sealed to another codename, or damaged."""


def open_sealed(sealed, keys):
    sealed = bytes(sealed)
    ephemeral_public, nonce, body = sealed[:32], sealed[32 : 32 + _NONCE], sealed[32 + _NONCE :]
    try:
        shared = keys.private_key.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        key = _key(shared, ephemeral_public, keys.public_bytes)
        return AESGCM(key).decrypt(nonce, body, None).decode()
    except (InvalidTag, ValueError) as exc:
        raise CannotOpen("This reply cannot be opened with this codename.") from exc
