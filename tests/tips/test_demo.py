import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import gnupg
import pytest
from django.core.management import call_command
from django.urls import reverse

from demo.tips import DEMO_REPLY, DEMO_TIP, load_tips
from tips.models import Reply, Tip

pytestmark = pytest.mark.django_db


@pytest.fixture
def short_tmp():
    """A folder with a short path: gpg-agent's socket goes in the GnuPG home, and a Unix
    socket's path may be at most 107 bytes (pytest-xdist's tmp_path can exceed it)."""
    folder = Path(tempfile.mkdtemp(prefix="tips-", dir="/tmp"))
    yield folder
    subprocess.run(  # noqa: S603 — stop the agent that key generation started
        ["gpgconf", "--homedir", str(folder / "var/tips-demo/gnupg"), "--kill", "all"],  # noqa: S607
        check=False,
        capture_output=True,
    )
    shutil.rmtree(folder, ignore_errors=True)


def test_demo_key_is_made_once_under_var_and_holds_the_private_half(settings, short_tmp):
    tmp_path = short_tmp
    settings.DEBUG = True
    settings.BASE_DIR = tmp_path
    out = io.StringIO()
    call_command("tips_demo_key", stdout=out)
    public = tmp_path / "var/tips-demo/public.asc"
    assert public.read_text().startswith("-----BEGIN PGP PUBLIC KEY BLOCK-----")
    assert "PRIVATE" not in public.read_text()
    assert gnupg.GPG(gnupghome=str(tmp_path / "var/tips-demo/gnupg")).list_keys(secret=True)
    call_command("tips_demo_key", stdout=out)
    assert "already made" in out.getvalue()


def test_demo_key_is_refused_with_debug_off(settings, tmp_path):
    settings.DEBUG = False
    settings.BASE_DIR = tmp_path
    err = io.StringIO()
    call_command("tips_demo_key", stdout=io.StringIO(), stderr=err)
    assert "Not with DEBUG off" in err.getvalue()
    assert not (tmp_path / "var").exists()


def test_demo_tip_decrypts_and_its_printed_codename_reads_the_reply(client, newsroom_key):
    out = io.StringIO()
    assert load_tips(stdout=out) == {"tips": 1}
    assert load_tips(stdout=io.StringIO()) == {"tips": 0}
    assert (Tip.objects.count(), Reply.objects.count()) == (1, 1)
    assert newsroom_key.open_bundle(Tip.objects.get().bundle)["message.txt"] == DEMO_TIP.encode()
    words = out.getvalue().split(": ", 1)[1].strip()
    page = client.post(reverse("tips:return"), {"codename": words}).content.decode()
    assert DEMO_REPLY.split(".")[0] in page


def test_no_demo_tip_without_a_key(settings):
    settings.TIPS_PUBLIC_KEY_FILES = []
    assert load_tips() == {"tips": 0}
    assert not Tip.objects.exists()
