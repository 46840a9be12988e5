"""The reader statements prepared on the server (core.statements) run on one generic plan per
connection (`plan_cache_mode=force_generic_plan`), made without the values of their
parameters. That plan, not the one test_query_plans.py checks for the query with its values
written in, is what readers get: it must read articles through indexes too. (At 3,000
articles the generic plan of a tag or author page reads all of that tag's few dozen links
through a bitmap, which the planner finds cheaper at that size; at 100,000 it reads the 21
it shows through the links' ordered index: bench/README.md, "Prepared statements".)"""

import json
import re

import pytest
from django.db import connection

from core.statements import statements
from tests.project.test_query_plans import PAGES, archive, problems  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

LISTINGS = [name for name in PAGES if name not in ("article", "search", "corrections")]


def numbered(sql):
    """Django's SQL (`%s` a parameter, `%%` a percent sign) with $1, $2… as PREPARE takes."""
    count = 0

    def one(match):
        nonlocal count
        if match.group() == "%%":
            return "%"
        count += 1
        return f"${count}"

    return re.sub(r"%%|%s", one, sql)


def generic_plan(sql, params):
    """The JSON plan PostgreSQL keeps for `sql` prepared with a generic plan."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute("SET LOCAL enable_seqscan = off")  # as test_query_plans.explain_page
        connection.connection.execute(f"PREPARE generic_check AS {numbered(sql)}")
        try:
            marks = ", ".join(["%s"] * len(params))
            cursor.execute(f"EXPLAIN (FORMAT JSON) EXECUTE generic_check({marks})", params)
            plan = cursor.fetchone()[0]
        finally:
            connection.connection.execute("DEALLOCATE generic_check")
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]


def test_every_prepared_reader_statement_has_a_generic_plan_through_indexes(client, archive):  # noqa: F811
    for name in LISTINGS:
        assert client.get(PAGES[name](*archive)).status_code == 200, name
    compiled = list(statements._found.values())
    assert len(compiled) >= 10  # every listing and feed above compiled its statements
    found = []
    for sql, params, _replaced, _model in compiled:
        found += [f"{problem} in: {sql}" for problem in problems(generic_plan(sql, params))]
    assert found == []
