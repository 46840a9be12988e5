"""An S3 API server on 127.0.0.1 for the tests: moto's standalone server (`moto_server`,
installed into the virtual environment from the lock), one per test session (and per
pytest-xdist worker), on a free port.

- `s3_server` (session): the running server, with one bucket made; `.env()` is the
  MEDIA_STORAGE=s3 environment a process (an app server, manage.py) needs to use it.
- `s3_calls` (per test): the name of every request botocore makes while it runs.
- `s3_media` (per test): the site's media on a fresh bucket of that server, through the
  settings the environment would give (defenceblog/settings.py), with
  S3_PRIVATE_ORIGINALS on; `s3_media.public()` turns it off.
"""

import copy
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.request import urlopen

import pytest

ACCESS_KEY = "testing-access-key"
SECRET_KEY = "testing-secret-key"  # noqa: S105 - moto accepts any key
REGION = "us-east-1"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def moto_server_command():
    """The command line of this virtual environment's moto_server (the lock's version):
    its script, or the same program as ``python -m moto.server``."""
    script = Path(sys.executable).with_name("moto_server")
    return [str(script)] if script.exists() else [sys.executable, "-m", "moto.server"]


@dataclass
class S3Server:
    endpoint_url: str
    bucket: str
    process: subprocess.Popen = field(repr=False)
    access_key: str = ACCESS_KEY
    secret_key: str = SECRET_KEY
    region: str = REGION

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
        )

    def create_bucket(self, name=None):
        name = name or f"media-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def env(self, bucket=None, **extra):
        """Environment variables for a process using this server's bucket for media."""
        return {
            "MEDIA_STORAGE": "s3",
            "S3_BUCKET": bucket or self.bucket,
            "S3_ENDPOINT_URL": self.endpoint_url,
            "S3_REGION": self.region,
            "S3_ACCESS_KEY_ID": self.access_key,
            "S3_SECRET_ACCESS_KEY": self.secret_key,
            **extra,
        }


def start_s3_server(log_path, timeout=30):
    """Start moto_server on a free loopback port and wait until it answers."""
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    log = open(log_path, "wb")  # noqa: SIM115 - open for the server's lifetime
    process = subprocess.Popen(  # noqa: S603
        [*moto_server_command(), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urlopen(endpoint + "/", timeout=1):  # noqa: S310 - loopback
                break
        except (URLError, ConnectionError, OSError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(
                    f"moto_server did not start on {endpoint}; see {log_path}"
                ) from None
            time.sleep(0.1)
    return process, endpoint


def stop_s3_server(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    process, endpoint = start_s3_server(tmp_path_factory.mktemp("moto") / "moto_server.log")
    server = S3Server(endpoint_url=endpoint, bucket="defenceblog-media", process=process)
    try:
        server.create_bucket(server.bucket)
        yield server
    finally:
        stop_s3_server(process)


class S3Media:
    """The settings of MEDIA_STORAGE=s3 on a bucket of `server` (as settings.py makes them)."""

    def __init__(self, settings, server, bucket):
        self.settings, self.server, self.bucket = settings, server, bucket
        self.configure(private_originals=True)

    def configure(self, private_originals, public_url=""):
        from core.storage import public_base_url

        base = public_base_url(self.server.endpoint_url, self.bucket, REGION, public_url)
        self.public_url = base
        self.settings.MEDIA_STORAGE = "s3"
        self.settings.MEDIA_URL = base
        policy = copy.deepcopy(self.settings.CONTENT_SECURITY_POLICY)
        policy["DIRECTIVES"]["img-src"].append(base)
        self.settings.CONTENT_SECURITY_POLICY = policy
        self.settings.STORAGES = {
            **self.settings.STORAGES,
            "default": {
                "BACKEND": "core.storage.MediaStorage",
                "OPTIONS": {
                    "bucket_name": self.bucket,
                    "endpoint_url": self.server.endpoint_url,
                    "region_name": REGION,
                    "access_key": self.server.access_key,
                    "secret_key": self.server.secret_key,
                    "addressing_style": "path",
                    "signature_version": "s3v4",
                    "public_url": base,
                    "private_originals": private_originals,
                    "object_acls": True,
                    "querystring_expire": 3600,
                    "file_overwrite": True,
                },
            },
        }
        return self

    def public(self, public_url=""):
        return self.configure(private_originals=False, public_url=public_url)

    def keys(self, prefix=""):
        client = self.server.client()
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        return sorted(o["Key"] for page in pages for o in page.get("Contents", ()))

    def head(self, key):
        return self.server.client().head_object(Bucket=self.bucket, Key=key)


@pytest.fixture
def s3_media(settings, s3_server):
    return S3Media(settings, s3_server, s3_server.create_bucket())


def fetch(url):
    """(status, headers, body) of an anonymous GET: what a reader's browser gets."""
    try:
        with urlopen(url, timeout=10) as response:  # noqa: S310 - the loopback test server
            return response.status, response.headers, response.read()
    except HTTPError as error:
        return error.code, error.headers, b""


@pytest.fixture
def s3_calls(monkeypatch):
    """Every request botocore makes (to the bucket), by operation name."""
    import botocore.client

    calls = []
    real = botocore.client.BaseClient._make_api_call

    def counted(self, operation_name, api_params):
        calls.append(operation_name)
        return real(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counted)
    return calls
