import pytest


class Reader:
    """A reader's browser on the donation form: the site's two JSON steps around
    Stripe.js, with Stripe.js's own calls made to localstripe as the real one would."""

    def __init__(self, client, stripe_local, on_commit):
        self.client, self.stripe, self.on_commit = client, stripe_local, on_commit

    def start(self, **fields):
        data = {
            "frequency": "once",
            "amount": "10",
            "currency": "EUR",
            "email": "reader@example.org",
            "name": "Ada Reader",
            "consent": "on",
            **fields,
        }
        return self.client.post("/support/donate/start/", data)

    def complete(self, token):
        with self.on_commit(execute=True):  # the receipt task, as after a real commit
            return self.client.post("/support/donate/complete/", {"token": token})

    def give(self, card="4242424242424242", **fields):
        """Fill in the form, type the card, press Give: the final answer."""
        started = self.start(**fields)
        assert started.status_code == 200, started.content
        answer = started.json()
        confirmed = self.stripe.confirm_card(answer["client_secret"], card)
        assert "error" not in confirmed, confirmed
        return answer["token"], self.complete(answer["token"])


@pytest.fixture
def reader(client, stripe_local, django_capture_on_commit_callbacks):
    return Reader(client, stripe_local, django_capture_on_commit_callbacks)
