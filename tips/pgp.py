"""Encryption to the newsroom's OpenPGP key(s), with GnuPG through python-gnupg.

Why GnuPG: it is what journalists already have (Tails, GPG Suite, Kleopatra, Thunderbird
read its messages), it is packaged by every distribution (Debian `gnupg`) and maintained,
and python-gnupg only drives the `gpg` binary, so no cryptography is written here.

The web process keeps a private GnuPG home (a temporary folder) holding only the
newsroom's PUBLIC keys from settings.TIPS_PUBLIC_KEY_FILES; the server never has a
private key. Data is handed to gpg through a pipe and read back from one: no plaintext
touches the disk.
"""

import functools
import tempfile
import threading

import gnupg
from django.conf import settings

_lock = threading.Lock()


class NoNewsroomKey(Exception):
    """No usable public key is configured: the tip line is closed."""


@functools.cache
def _keyring(key_files):
    home = tempfile.mkdtemp(prefix="tips-gnupg-")
    gpg = gnupg.GPG(gnupghome=home)
    fingerprints = []
    for path in key_files:
        with open(path, encoding="ascii") as handle:
            result = gpg.import_keys(handle.read())
        fingerprints += [fp for fp in result.fingerprints if fp]
    # A private key in a file meant for public keys is refused: the server must not hold one.
    if gpg.list_keys(secret=True):
        raise NoNewsroomKey("A file in TIPS_PUBLIC_KEY_FILES holds a private key.")
    return gpg, tuple(dict.fromkeys(fingerprints))


def newsroom_keys():
    """(gpg, fingerprints); NoNewsroomKey when none is configured or readable."""
    try:
        gpg, fingerprints = _keyring(tuple(settings.TIPS_PUBLIC_KEY_FILES))
    except OSError as exc:
        raise NoNewsroomKey(f"A public key file cannot be read: {exc.strerror}") from exc
    if not fingerprints:
        raise NoNewsroomKey("No public key is configured (TIPS_PUBLIC_KEY_FILES).")
    return gpg, fingerprints


def public_keys_armored():
    """The newsroom's public key(s), for the page: (fingerprints, armored text)."""
    gpg, fingerprints = newsroom_keys()
    return fingerprints, gpg.export_keys(list(fingerprints))


def encrypt(data):
    """Binary OpenPGP message of `data` (bytes) to every newsroom key."""
    gpg, fingerprints = newsroom_keys()
    with _lock:
        result = gpg.encrypt(data, list(fingerprints), armor=False, always_trust=True)
    if not result.ok:
        raise RuntimeError(f"gpg could not encrypt: {result.status}")
    return result.data
