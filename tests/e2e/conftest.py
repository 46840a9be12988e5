"""End-to-end tests in real Chromium (Debian's package), driven by Playwright.

Where no Chromium is installed the tests skip with a message saying how to install it;
in CI (CI=true) a missing browser fails the run instead, so these tests always run there.
"""

import os
import shutil
import time
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.helpers.environment import skip_or_fail

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# test itself are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = (
            f"Chromium not found at {CHROMIUM}. Install Debian's package with "
            "'sudo apt-get install chromium' (or set CHROMIUM_PATH) to run end-to-end tests."
        )
        skip_or_fail(message + " In CI the end-to-end tests must run.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, django_db_blocker):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors
    yield page
    # Leaving a page sends its last requests (the article desk's "leave" beacon writes to
    # the database). They must be done before the test's database is flushed: a TRUNCATE
    # racing one of them can deadlock, and the flush then fails the test.
    try:
        page.goto("about:blank")
    except PlaywrightError:
        pass  # a page with unsaved changes asks before it is left, and stays
    context.close()
    with django_db_blocker.unblock():
        wait_for_idle_database()


def wait_for_idle_database(quiet=0.2, limit=10.0):
    """Wait until no other session on the test database has been busy for `quiet` seconds
    (the live server's request threads each have their own connection)."""
    from django.db import connection

    started = idle_since = time.monotonic()
    while time.monotonic() - started < limit:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                " AND state <> 'idle'"
            )
            busy = cursor.fetchone()[0]
        now = time.monotonic()
        if busy:
            idle_since = now
        elif now - idle_since >= quiet:
            return
        time.sleep(0.05)


def screenshot(page, name, full_page=True):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def assert_accessible(page, context=None):
    """axe-core: no serious or critical violations (within the `context` selector if given:
    a panel added to a page whose other parts are not ours, such as the Django admin's)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"Accessibility violations on {page.url}:\n" + "\n".join(bad)


def login_admin(page, username, password):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def choose_autocomplete(page, select_id, text):
    """Pick `text` in a Django admin autocomplete (select2) field."""
    page.click(f"#{select_id} + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", text)
    option = page.locator(".select2-results__option", has_text=text).first
    option.wait_for()
    option.click()


def choose_image(page, search, caption):
    """Pick a lead image in the article form's chooser: search, then click its thumbnail."""
    page.click(".image-chooser-open")
    page.wait_for_selector(".image-chooser-dialog[open] .image-chooser-search")
    page.fill("#chooser-q", search)
    page.click(".image-chooser-search button[type=submit]")
    page.wait_for_selector(".image-chooser-status:has-text('matching your search')")
    page.locator(".image-chooser-choice", has_text=caption).first.click()
    page.wait_for_selector(".image-chooser-dialog", state="hidden")
