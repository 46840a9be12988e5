"""No query string can break the search page: hostile text, control characters, stacked
operators and any text hypothesis can make answer with the page and the cleaned query."""

import re

import pytest
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.fulltext import clean_query
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


# --- No query string can break it ----------------------------------------------------

HOSTILE = [
    "",
    " ",
    "\x00",
    "drone\x00s",
    "'; DROP TABLE articles_article; --",
    "1' OR '1'='1",
    '"unclosed phrase',
    "-",
    "--",
    "!!! ((( ))) :* & | <-> <2>",
    "or or or -or",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "&amp; &#0; %00 %s %(x)s {} \\",
    "\U0001f680 ракета 火箭 صاروخ",
    "\u202e\u200b\ufeff",
    "a" * 5000,
    "word " * 2000,
    "\ue000marked\ue001",
    # Stacked exclusions: PostgreSQL's "tsquery stack too small" (issue 23).
    "-" * 33,
    "- " * 60,
    "-(" * 40,
    "-!" * 40 + "drone",
    "drone -" + "-" * 40 + "trial",
    '-"' * 60,
]


# Control characters (NUL included) are refused with a 400 before any view sees them
# (core.middleware.RejectControlCharactersMiddleware); tabs and line breaks are text.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def expected_status(text):
    return 400 if CONTROL_CHARACTER.search(text) else 200


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_queries_answer_normally(client, text):
    ArticleFactory(title="Drone trial")
    response = client.get("/search/", {"q": text, "page": "1"})
    assert response.status_code == expected_status(text)
    assert "<script>alert" not in response.content.decode()


query_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.lists(st.sampled_from(HOSTILE + ["drone", '"', "-", "or", ":*", "&"]), max_size=8).map(
        " ".join
    ),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=query_text)
def test_any_query_string_gets_the_search_page_with_the_cleaned_query(client, text):
    # The test client re-raises any exception in the view, so a server error fails too.
    response = client.get("/search/", {"q": text})
    if expected_status(text) == 400:  # a control character: refused before the view
        assert response.status_code == 400
        return
    assert response.status_code == 200
    assert response.context["query"] == clean_query(text)
    assert f'name="q" id="id_q" value="{escape(clean_query(text))}"' in response.content.decode()
