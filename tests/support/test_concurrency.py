"""Clicks counted by many readers at once: each thread is a separate request with its own
PostgreSQL connection, all released together, so their upserts really do collide."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.test import Client

from support.models import DonationClick
from tests.factories import DonationOptionFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 16
CLICKS_PER_THREAD = 10


def test_parallel_clicks_are_all_counted():
    option = DonationOptionFactory(url="https://example.org/pay/once")
    other = DonationOptionFactory(url="https://example.org/pay/monthly")
    start = threading.Barrier(THREADS)

    def reader(n):
        client = Client()
        target = option if n % 4 else other
        start.wait()
        try:
            statuses = [
                client.get(f"/support/go/{target.slug}/").status_code
                for _ in range(CLICKS_PER_THREAD)
            ]
        finally:
            connections.close_all()
        return statuses

    with ThreadPoolExecutor(THREADS) as pool:
        statuses = [s for result in pool.map(reader, range(THREADS)) for s in result]

    assert statuses == [302] * THREADS * CLICKS_PER_THREAD
    counts = dict(DonationClick.objects.values_list("option__slug", "count"))
    busy_threads = sum(1 for n in range(THREADS) if n % 4)
    assert counts == {
        option.slug: busy_threads * CLICKS_PER_THREAD,
        other.slug: (THREADS - busy_threads) * CLICKS_PER_THREAD,
    }
    assert DonationClick.objects.count() == 2  # still one row per option and day


def test_parallel_http_requests_to_the_live_server_are_all_counted(live_server):
    import urllib.request

    option = DonationOptionFactory(url="https://example.org/pay/once")
    url = f"{live_server.url}/support/go/{option.slug}/"

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    start = threading.Barrier(THREADS)

    def reader(_):
        start.wait()
        locations = []
        for _ in range(CLICKS_PER_THREAD):
            try:
                opener.open(url, timeout=10)  # noqa: S310 (the test's own server)
            except urllib.error.HTTPError as redirect:
                locations.append((redirect.code, redirect.headers["Location"]))
        return locations

    with ThreadPoolExecutor(THREADS) as pool:
        results = [r for result in pool.map(reader, range(THREADS)) for r in result]

    assert results == [(302, "https://example.org/pay/once")] * THREADS * CLICKS_PER_THREAD
    assert DonationClick.objects.get(option=option).count == THREADS * CLICKS_PER_THREAD
