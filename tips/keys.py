"""Making an OpenPGP key pair with GnuPG: for the demo (`manage.py tips_demo_key`, kept
under var/, never served) and for the tests. A real newsroom makes its key on a
journalist's own computer (docs/tips.md); the server only ever gets the public half."""

from pathlib import Path

import gnupg


def generate(home, name, email):
    """A new Ed25519/Curve25519 key pair in the GnuPG home `home`, without a passphrase;
    returns (fingerprint, path of the exported public key, home/public.asc)."""
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    gpg = gnupg.GPG(gnupghome=str(home))
    spec = gpg.gen_key_input(
        name_real=name,
        name_email=email,
        key_type="EDDSA",
        key_curve="ed25519",
        key_usage="sign",
        subkey_type="ECDH",
        subkey_curve="cv25519",
        subkey_usage="encrypt",
        expire_date=0,
        no_protection=True,
    )
    key = gpg.gen_key(spec)
    if not key.fingerprint:
        raise RuntimeError(f"gpg could not make a key: {key.stderr[-500:]}")
    public = home / "public.asc"
    public.write_text(gpg.export_keys(key.fingerprint), encoding="ascii")
    return key.fingerprint, public


def decrypt(home, data):
    """Decrypt with the private key in `home` (what a journalist does on their machine)."""
    result = gnupg.GPG(gnupghome=str(home)).decrypt(bytes(data))
    if not result.ok:
        raise RuntimeError(f"gpg could not decrypt: {result.status}")
    return result.data
