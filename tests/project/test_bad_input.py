"""Bad input never becomes a server error: NUL bytes and other control characters in a
path, a query string or a form answer 400, and a property test sends arbitrary segments,
parameters and field values to every routed URL and every public form."""

from html.parser import HTMLParser
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.utils.regex_helper import normalize
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import ArticleRedirect
from feedback.models import ErrorReport
from tests.factories import ArticleFactory, AuthorFactory, StaffFactory
from tests.feedback.conftest import report_data

pytestmark = pytest.mark.django_db


def test_nul_byte_in_a_path_that_would_be_a_404_answers_400(client):
    article = ArticleFactory()
    ArticleRedirect.objects.create(article=article, old_path="/old-address/")

    response = client.get("/no-such-page%00/")

    assert response.status_code == 400
    assert "characters that are not allowed" in response.content.decode()
    # The redirect fallback still answers for real old addresses.
    assert client.get("/old-address/").status_code == 301


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=frigate%00",
        "/search/?q%00=frigate",
        "/corrections/?page=1%1b",
        "/section/news%7f/",
        "/feed/?x=%c2%85",  # NEL, a C1 control
    ],
)
def test_control_characters_in_path_or_query_answer_400(client, url):
    assert client.get(url).status_code == 400


def test_control_character_in_a_form_field_answers_400_and_stores_nothing(client):
    article = ArticleFactory()

    response = client.post(
        f"/feedback/report/?article={article.pk}", report_data(details="Wrong\x00figure")
    )

    assert response.status_code == 400
    assert ErrorReport.objects.count() == 0


def test_tabs_and_line_breaks_in_a_form_field_are_text(client):
    article = ArticleFactory()

    response = client.post(
        f"/feedback/report/?article={article.pk}",
        report_data(details="First line\r\nSecond line\twith a tab"),
    )

    assert response.status_code == 302
    assert ErrorReport.objects.get().details == "First line\r\nSecond line\twith a tab"


# --- Property tests over every route and every public form -------------------------------


def routes(patterns=None, prefix=""):
    """(path template with %(name)s placeholders, parameter names) for every routed URL."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for pattern in patterns:
        regex = pattern.pattern.regex.pattern.removeprefix("^")
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, prefix + regex)
        else:
            for template, params in normalize(prefix + regex):
                yield "/" + template, tuple(params)


ROUTES = sorted(set(routes()))

# Values that reach the views (a real article's date parts and slug, small numbers),
# arbitrary Unicode (control characters included) and arbitrary bytes.
KNOWN_VALUES = ["2026", "01", "1", "news", "frigate", "reporter", "0", "-1", "99999999999999999999"]
text_values = st.one_of(
    st.sampled_from(KNOWN_VALUES),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.text(max_size=40),
    st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=40),
)
segments = st.one_of(
    text_values.map(lambda s: quote(s, safe="")), st.binary(max_size=20).map(quote)
)
queries = st.dictionaries(text_values, text_values, max_size=3)

# Every route, as a reader and as staff: 280 tests. A few examples each keeps the run
# to minutes; derandomized, so CI tries the same inputs every time.
PROPERTY_SETTINGS = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def content(db):
    section_article = ArticleFactory(slug="frigate", section__slug="news")
    section_article.tags.add("frigate")
    AuthorFactory(slug="reporter")
    return section_article


def assert_not_a_server_error(response, url):
    assert response.status_code < 500, f"{response.status_code} for {url!r}"


@pytest.mark.parametrize("role", ["reader", "staff"])
@pytest.mark.parametrize(("template", "params"), ROUTES, ids=[t for t, _ in ROUTES])
def test_any_segment_or_parameter_on_any_route_is_never_a_server_error(
    template, params, role, content
):
    client = Client()
    if role == "staff":
        client.force_login(StaffFactory(username="property-staff"))

    @PROPERTY_SETTINGS
    @given(values=st.tuples(*[segments] * len(params)), query=queries)
    def check(values, query):
        path = template % dict(zip(params, values, strict=True))
        url = f"{path}?{urlencode(query)}" if query else path
        assert_not_a_server_error(client.get(url), url)

    check()


class FormFields(HTMLParser):
    """Every form on a page: its method, its action and the names of its fields."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            self.forms.append((method, attrs.get("action") or "", set()))
        elif tag in {"input", "textarea", "select"} and self.forms and attrs.get("name"):
            self.forms[-1][2].add(attrs["name"])


PUBLIC_FORM_PAGES = ["/feedback/report/", "/feedback/report/?article={pk}", "/search/"]


@pytest.mark.parametrize("page", [*PUBLIC_FORM_PAGES, "/admin/login/"])
def test_any_value_in_any_field_of_a_public_form_is_never_a_server_error(page, content):
    client = Client()
    url = page.format(pk=content.pk)
    parser = FormFields()
    parser.feed(client.get(url).content.decode())
    forms = [
        (method, action or url, sorted(fields))
        for method, action, fields in parser.forms
        if fields and (action or url).startswith(page.split("?")[0])
    ]
    assert forms, f"no form on {url}"

    @PROPERTY_SETTINGS
    @given(data=st.data())
    def check(data):
        method, action, fields = data.draw(st.sampled_from(forms))
        values = {name: data.draw(text_values, label=name) for name in fields}
        send = client.post if method == "post" else client.get
        assert_not_a_server_error(send(action, values), f"{method} {action} {values!r}")

    check()
