"""localstripe (a fake, stateful Stripe server with a Stripe.js stand-in) on 127.0.0.1
for the tests: one per test session (and per pytest-xdist worker), on a free port.

- `localstripe_server` (session): the running server; `.url`.
- `stripe_local` (per test): the site's Stripe settings pointed at it, with a webhook
  secret; `.confirm_card(client_secret, number)` does what Stripe.js's confirmCardSetup
  does in a reader's browser, `.events(type)` lists the events localstripe made, and
  `.post_event(client, event)` delivers one to the site's webhook, signed.
"""

import json
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.error import URLError
from urllib.request import Request, urlopen

import pytest
import stripe

from tests.storage_fixtures import _free_port

WEBHOOK_SECRET = "whsec_test_site"  # noqa: S105 - a test secret
PUBLISHABLE_KEY = "pk_test_site"
SECRET_KEY = "sk_test_site"  # noqa: S105 - localstripe takes any sk_ key


def localstripe_command(port):
    script = Path(sys.executable).with_name("localstripe")
    program = [str(script)] if script.exists() else [sys.executable, "-m", "localstripe"]
    return [*program, "--port", str(port), "--from-scratch"]


@dataclass
class LocalStripe:
    url: str
    process: subprocess.Popen = field(repr=False)

    def call(self, method, path, body=None, key=None):
        """A raw request, as Stripe.js makes them (JSON, the publishable key inside)."""
        data = None if body is None else json.dumps({"key": key, **body}).encode()
        request = Request(self.url + path, data=data, method=method)  # noqa: S310 - loopback
        with urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return json.loads(response.read() or b"{}")

    def register_webhook(self, url, secret=WEBHOOK_SECRET):
        request = Request(  # noqa: S310 - loopback
            f"{self.url}/_config/webhooks/site",
            data=f"url={url}&secret={secret}".encode(),
            method="POST",
        )
        with urlopen(request, timeout=10):  # noqa: S310 - loopback
            pass


def start_localstripe(log_path, timeout=30):
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(log_path, "wb")  # noqa: SIM115 - open for the server's lifetime
    process = subprocess.Popen(  # noqa: S603
        localstripe_command(port), stdout=log, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urlopen(url + "/js.stripe.com/v3/", timeout=1):  # noqa: S310 - loopback
                return process, url
        except (URLError, ConnectionError, OSError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"localstripe did not start on {url}; see {log_path}") from None
            time.sleep(0.1)


def stop_localstripe(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def localstripe_server(tmp_path_factory):
    process, url = start_localstripe(tmp_path_factory.mktemp("localstripe") / "localstripe.log")
    try:
        yield LocalStripe(url=url, process=process)
    finally:
        stop_localstripe(process)


class StripeLocal:
    def __init__(self, settings, server):
        self.server = server
        settings.STRIPE_SECRET_KEY = SECRET_KEY
        settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
        settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.STRIPE_API_BASE = server.url
        settings.STRIPE_JS_URL = f"{server.url}/js.stripe.com/v3/"
        settings.STRIPE_API_VERSION = ""

    def confirm_card(self, client_secret, number="4242424242424242"):
        """What Stripe.js's confirmCardSetup sends for a card typed into the Card Element."""
        intent = client_secret.split("_secret_")[0]
        card = {"number": number, "exp_month": "12", "exp_year": "2030", "cvc": "123"}
        path = f"/v1/setup_intents/{intent}/confirm"
        body = {"use_stripe_sdk": True, "client_secret": client_secret}
        try:
            answer = self.server.call(
                "POST",
                path,
                {**body, "payment_method_data": {"type": "card", "card": card}},
                key=PUBLISHABLE_KEY,
            )
            if answer["status"] == "requires_action":  # the bank's check, passed
                answer = self.server.call("POST", path, body, key=PUBLISHABLE_KEY)
            return answer
        except OSError as error:  # a declined card: HTTP 402
            return {"error": str(error)}

    def authenticate(self, client_secret, success=True):
        """What Stripe.js's confirmCardPayment does when the bank's check is passed."""
        intent = client_secret.split("_secret_")[0]
        return self.server.call(
            "POST",
            f"/v1/payment_intents/{intent}/_authenticate?success={'true' if success else 'false'}",
            {"client_secret": client_secret},
            key=PUBLISHABLE_KEY,
        )

    def events(self, type_):
        """localstripe's events of `type_`, newest first (as its /v1/events lists them)."""
        request = Request(  # noqa: S310 - loopback
            f"{self.server.url}/v1/events?type={type_}&limit=100",
            headers={"Authorization": f"Bearer {SECRET_KEY}"},
        )
        with urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return json.loads(response.read())["data"]

    def sign(self, payload, timestamp=None, secret=WEBHOOK_SECRET):
        return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)

    def post_event(self, client, event, **sign_options):
        payload = json.dumps(event)
        return client.post(
            "/support/stripe/webhook/",
            payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=self.sign(payload, **sign_options),
        )


@pytest.fixture
def stripe_local(settings, localstripe_server):
    return StripeLocal(settings, localstripe_server)
