"""A reader's journey through PgBouncer in transaction mode (DATABASE_POOLER=pgbouncer).

PgBouncer runs with one server connection for the site's database, so every request
shares it: a setting one request left on the session would reach the next (it must not),
and a server-side cursor or prepared statement would fail.
"""

import os
import shutil
import time
import uuid
from pathlib import Path

import psycopg
import pytest

from core.spam import form_token
from feedback.models import ErrorReport
from tests.helpers.environment import skip_or_fail
from tests.helpers.servers import PGBOUNCER, PgBouncer, SiteServer

DIRECT = "postgres://postgres@127.0.0.1:5432/{}"
COUNT_REPORTS = f"SELECT count(*) FROM {ErrorReport._meta.db_table}"  # noqa: S608 - the model's

SETUP = """
from tests.factories import ArticleFactory, SectionFactory
section = SectionFactory(name="Land", slug="land")
article = ArticleFactory(
    title="Howitzer deliveries resume",
    slug="howitzer-deliveries",
    section=section,
    body="<p>The first self-propelled howitzers reached the artillery regiment.</p>",
)
ArticleFactory(title="Minehunter sonar upgraded", slug="minehunter-sonar", section=section)
print(article.pk, article.get_absolute_url())
"""


@pytest.fixture(scope="module")
def bouncer():
    if not Path(PGBOUNCER).exists() or (os.geteuid() == 0 and not shutil.which("runuser")):
        skip_or_fail(f"needs PgBouncer at {PGBOUNCER} (Debian package pgbouncer)")
    bouncer = PgBouncer(target_port=5432)
    yield bouncer
    bouncer.stop()


@pytest.fixture(scope="module")
def site(bouncer, tmp_path_factory):
    # A name of its own: two suites on one server (two checkouts' CI passes) must not drop
    # each other's database mid-migrate.
    name = f"db_pgbouncer_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(DIRECT.format("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    server = SiteServer(
        {"DATABASE_URL": bouncer.url(name), "DATABASE_POOLER": "pgbouncer", "PAGE_CACHE": "0"},
        tmp_path_factory.mktemp("pgbouncer-site"),
    )
    # Migrations run on a direct connection, as a deploy would; the site through PgBouncer.
    server.manage("migrate", "--no-input", DATABASE_URL=DIRECT.format(name))
    pk, url = server.manage("shell", "-c", SETUP).stdout.split()[-2:]
    server.article_pk, server.article_url = int(pk), url
    server.database = name
    server.start()
    yield server
    server.stop()
    with psycopg.connect(DIRECT.format("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def transactions_through(bouncer, database):
    stats = {row["database"]: row for row in bouncer.admin("SHOW STATS")}
    return stats.get(database, {}).get("total_xact_count", 0)


def reports(bouncer, site):
    with psycopg.connect(bouncer.url(site.database), autocommit=True) as conn:
        return conn.execute(COUNT_REPORTS).fetchone()[0]


def test_a_reader_journey_through_pgbouncer(bouncer, site):
    reports_before = reports(bouncer, site)
    before = transactions_through(bouncer, site.database)
    reader = site.client()

    status, _, front = reader.get("/")
    assert status == 200 and "Howitzer deliveries resume" in front
    status, _, article = reader.get(site.article_url)
    assert status == 200 and "reached the artillery regiment" in article
    status, _, section = reader.get("/section/land/")
    assert status == 200 and "Minehunter sonar upgraded" in section
    status, _, results = reader.get("/search/?q=howitzer")
    assert status == 200 and f'href="{site.article_url}"' in results
    # A typo: the spelling correction, and (searched as typed, nothing matches) the
    # title suggestions, which set the trigram threshold for their transaction.
    status, _, typo = reader.get("/search/?q=hovitzer+deliveriez")
    assert status == 200 and f'href="{site.article_url}"' in typo
    status, _, typo = reader.get("/search/?q=hovitzer&as_typed=1")
    assert status == 200 and f'href="{site.article_url}"' in typo

    # An error report: a write, through the same pool.
    token = reader.csrf_token(f"/feedback/report/?article={site.article_pk}")
    status, headers, _ = reader.post(
        f"/feedback/report/?article={site.article_pk}",
        {
            "csrfmiddlewaretoken": token,
            "kind": "factual",
            "quoted_text": "reached the artillery regiment",
            "details": "It was the second regiment.",
            "rendered": form_token(time.time() - 30),
            "website": "",
        },
    )
    assert status == 302, headers

    assert transactions_through(bouncer, site.database) > before  # it all went through
    with psycopg.connect(bouncer.url(site.database), autocommit=True) as conn:
        # The one server connection every request used carries no threshold of ours.
        value = conn.execute(
            "SELECT current_setting('pg_trgm.word_similarity_threshold', true)"
        ).fetchone()[0]
        assert value in (None, "", "0.6")
    # The other test here stores a report too, and tests run in random order.
    assert reports(bouncer, site) == reports_before + 1
    assert "ERROR" not in site.log()


FAST_COMMIT = """
import os, psycopg
from django.db import connection
from core.db import fast_commit
from feedback.models import ErrorReport
with fast_commit():
    ErrorReport.objects.create(page_url="/about/", quoted_text="fast commit")
connection.close()
# The pool has one server connection: the next client gets the one fast_commit used.
with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
    print(conn.execute("SHOW synchronous_commit").fetchone()[0])
    print(conn.execute("SELECT count(*) FROM " + ErrorReport._meta.db_table).fetchone()[0])
"""


def test_a_fast_commit_leaves_no_setting_on_the_pooled_connection(bouncer, site):
    before = reports(bouncer, site)
    setting, count = site.manage("shell", "-c", FAST_COMMIT).stdout.split()[-2:]
    assert setting == "on"  # SET LOCAL ended with its transaction
    assert int(count) == before + 1
