from datetime import UTC, datetime, timedelta

import pytest
from django.forms import CheckboxInput
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, StaffFactory

pytestmark = pytest.mark.django_db


def at(year, month, day, hour=12):
    return datetime(year, month, day, hour, tzinfo=UTC)


@pytest.fixture
def article():
    return ArticleFactory(
        title="Air force receives first tanker aircraft",
        published_at=at(2025, 6, 21, 9),
        body="<p>The aircraft landed at the main operating base.</p>",
    )


def test_corrections_show_dated_and_labelled_at_their_position(client, article):
    end = Correction.objects.create(
        article=article,
        text="An earlier version misstated the aircraft's range.",
        published_at=at(2025, 6, 22),
    )
    top = Correction.objects.create(
        article=article,
        kind=Correction.Kind.EDITORS_NOTE,
        position=Correction.Position.TOP,
        text="This article has been updated with the ministry's statement.",
        published_at=at(2025, 6, 23),
    )
    next_year = Correction.objects.create(
        article=article,
        kind=Correction.Kind.CLARIFICATION,
        text="The base is shared with civil aviation.",
        published_at=at(2026, 1, 5),
    )

    html = client.get(article.get_absolute_url()).content.decode()

    assert f'id="correction-{end.pk}"' in html and f'id="correction-{top.pk}"' in html
    # the site's one date style, the year always given
    assert (
        "Correction, <time" in html and ">22 June 2025</time>:</strong> An earlier version" in html
    )
    assert "Editor’s note, <time" in html and ">23 June 2025</time>" in html
    assert ">5 January 2026</time>" in html
    headline, body = html.index('id="headline"'), html.index('class="article-body"')
    assert headline < html.index(f'id="correction-{top.pk}"') < body
    assert (
        body
        < html.index(f'id="correction-{end.pk}"')
        < html.index(f'id="correction-{next_year.pk}"')
    )


def test_future_correction_is_hidden_until_its_time(client, article, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    later = Correction.objects.create(
        article=article, text="Scheduled note.", published_at=timezone.now() + timedelta(hours=2)
    )

    assert "Scheduled note." not in client.get(article.get_absolute_url()).content.decode()
    time_machine.shift(timedelta(hours=3))
    assert f'id="correction-{later.pk}"' in client.get(article.get_absolute_url()).content.decode()


def test_article_page_links_to_the_error_report_form(client, article):
    html = client.get(article.get_absolute_url()).content.decode()

    assert "Found a grammatical or factual error?" in html
    assert f'href="/feedback/report/?article={article.pk}"' in html
    assert html.index("Found a grammatical") > html.index('class="article-body"')


@pytest.mark.parametrize("size", [1, 12])
def test_article_page_query_count_does_not_grow_with_corrections(
    client, django_assert_num_queries, warm_site, size
):
    article = ArticleFactory(
        lead_image=ImageFactory(), authors=[AuthorFactory(), AuthorFactory()], tags=["Tankers"]
    )
    for n in range(size):
        Correction.objects.create(article=article, text=f"Fix {n}.", position=["top", "end"][n % 2])

    # The same whatever the number of corrections: they come in one prefetch that the page
    # and its structured data share. (The article, bylines, tags, corrections, whether it
    # is a live blog, the related articles.)
    warm_site()
    with django_assert_num_queries(6):
        html = client.get(article.get_absolute_url()).content.decode()
    assert html.count('class="correction correction--') == size


def test_saving_a_correction_moves_the_articles_modified_date(article, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    Article.objects.filter(pk=article.pk).update(modified=timezone.now() - timedelta(days=5))
    time_machine.shift(timedelta(minutes=1))

    correction = Correction.objects.create(article=article, text="Fixed a name.")

    article.refresh_from_db()
    assert article.modified == timezone.now()
    time_machine.shift(timedelta(minutes=1))
    correction.text = "Fixed a name and a date."
    correction.save()
    article.refresh_from_db()
    assert article.modified == timezone.now()


# --- /corrections/ ---------------------------------------------------------------------


def test_corrections_page_lists_published_corrections_newest_first(client, article):
    older = Correction.objects.create(
        article=article, text="Older fix.", published_at=at(2025, 6, 22)
    )
    newer = Correction.objects.create(
        article=ArticleFactory(title="Shipyard wins patrol boat order"),
        kind=Correction.Kind.RETRACTION,
        text="Newer fix.",
        published_at=at(2025, 7, 1),
    )
    Correction.objects.create(
        article=article, text="Not yet.", published_at=timezone.now() + timedelta(days=1)
    )
    draft = ArticleFactory(status="draft", published_at=None)
    Correction.objects.create(article=draft, text="On a draft.")
    scheduled = ArticleFactory(published_at=timezone.now() + timedelta(days=2))
    Correction.objects.create(article=scheduled, text="On a scheduled article.")

    response = client.get(reverse("feedback:corrections"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert html.index("Newer fix.") < html.index("Older fix.")
    assert f'href="{older.get_absolute_url()}"' in html
    assert f'href="{newer.get_absolute_url()}"' in html
    assert "Retraction" in html and "Shipyard wins patrol boat order" in html
    for hidden in ("Not yet.", "On a draft.", "On a scheduled article."):
        assert hidden not in html
    assert 'type="application/rss+xml"' in html and "/corrections/feed/" in html


def test_corrections_page_is_paginated(client, article):
    for n in range(30):
        Correction.objects.create(
            article=article, text=f"Fix number {n}.", published_at=at(2025, 7, 1) + timedelta(n)
        )

    first = client.get("/corrections/").content.decode()
    second = client.get("/corrections/?page=2").content.decode()

    assert "Fix number 29." in first and "Fix number 4." not in first
    assert "Fix number 4." in second and "Page 2 of 2" in second
    assert client.get("/corrections/?page=9").status_code == 404


def test_every_page_links_to_the_corrections_page_from_the_footer(client, article):
    for url in ("/", article.get_absolute_url(), "/corrections/", "/feedback/report/"):
        html = client.get(url).content.decode()
        footer = html[html.index('class="site-footer"') :]
        assert '<a href="/corrections/">Corrections</a>' in footer, url


def test_corrections_page_with_nothing_yet(client):
    assert "No corrections have been published yet." in client.get("/corrections/").content.decode()


@pytest.mark.parametrize("size", [2, 40])
def test_corrections_page_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, warm_site, size
):
    for n in range(size):
        Correction.objects.create(article=ArticleFactory(), text=f"Fix {n}.")

    # count, the page of corrections with articles and sections (navigation and footer
    # from process memory)
    warm_site()
    with django_assert_num_queries(2):
        assert client.get("/corrections/").status_code == 200


# --- The article admin's inline ------------------------------------------------------------


def form_as_post_data(response):
    """What the browser would send back for the admin change form as it was rendered."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
        forms.extend(formset.forms)
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None:
                continue
            key = form.add_prefix(name)
            if isinstance(field.widget, CheckboxInput):
                if value:
                    data[key] = "on"
            elif hasattr(field.widget, "widgets"):  # split date and time
                for n, part in enumerate(field.widget.decompress(value)):
                    data[f"{key}_{n}"] = part
            elif isinstance(value, list):
                data[key] = value
            else:
                data[key] = field.widget.format_value(value)
    return {key: value for key, value in data.items() if value is not None}


def test_editor_adds_a_correction_in_the_article_admin(client):
    article = ArticleFactory(
        title="Air force receives first tanker aircraft",
        lead_image=ImageFactory(),
        authors=[AuthorFactory()],
    )
    editor = StaffFactory(username="chief")
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    form = client.get(url)
    assert "Corrections and notes (shown to readers)" in form.content.decode()
    data = form_as_post_data(form)
    data.update(
        {
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": "update",
            "corrections-0-position": "top",
            "corrections-0-published_at_0": timezone.localdate().strftime("%Y-%m-%d"),
            "corrections-0-published_at_1": "00:00:00",
            "corrections-0-text": "The ministry has since confirmed a second delivery.",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    correction = Correction.objects.get()
    assert correction.kind == "update" and correction.position == "top"
    assert correction.created_by == editor
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Update, <time" in html and "second delivery" in html


@pytest.mark.parametrize(
    ("quoted", "suggested", "expected"),
    [
        (
            "It carried forty drones at a time.",
            "fourteen drones",
            "An earlier version of this article said “It carried forty drones at a time.” "
            "It should have said “fourteen drones.”",
        ),
        (
            "Who ordered it?",
            "The navy did!",
            "An earlier version of this article said “Who ordered it?” "
            "It should have said “The navy did!”",
        ),
        ("“forty drones”", "", "An earlier version of this article said “forty drones.”"),
    ],
)
def test_suggested_correction_text_never_doubles_the_punctuation(quoted, suggested, expected):
    from types import SimpleNamespace

    from feedback.forms import suggested_text

    report = SimpleNamespace(quoted_text=quoted, suggested_correction=suggested)
    assert suggested_text(report) == expected
    assert "”." not in suggested_text(report)


def test_a_published_correction_updates_the_modified_date_readers_and_machines_see(client, article):
    published = article.published_at
    when = at(2025, 6, 22, 15)
    Correction.objects.create(
        article=article, text="An earlier version misstated the range.", published_at=when
    )
    url = article.get_absolute_url()
    html = client.get(url).content.decode()
    assert f'"dateModified": "{when.isoformat()}"' in html
    assert f'"datePublished": "{published.isoformat()}"' in html
    local = timezone.localtime(when).isoformat()  # the same moment, in the newsroom's zone
    assert f'<meta property="article:modified_time" content="{local}"' in html

    atom = client.get(reverse("articles:feed_atom")).content.decode()
    assert f"<updated>{when.isoformat()}</updated>" in atom
    rss = client.get(reverse("articles:feed")).content.decode()
    assert "Correction, 22 June 2025: An earlier version misstated the range." in rss
    assert "Correction, &lt;time" in rss  # the notice in the full text too (escaped HTML)

    article.refresh_from_db()
    assert article.modified > when  # the sitemap's lastmod (moved by saving the correction)
    sitemap = client.get("/sitemap-articles.xml").content.decode()
    assert f"<lastmod>{article.modified.date().isoformat()}" in sitemap


def test_a_future_correction_does_not_move_the_modified_date_yet(client, article):
    Correction.objects.create(
        article=article, text="Not yet.", published_at=timezone.now() + timedelta(days=1)
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'"dateModified": "{article.published_at.isoformat()}"' in html


@pytest.mark.parametrize(
    ("quoted", "still"),
    [
        ("“Main Operating Base.”", True),  # quotation marks and case do not matter
        ("the main operating base", True),
        ("the forward base", False),
        ("“ ”", False),  # nothing quoted: nothing to find
    ],
)
def test_the_quoted_words_are_found_in_the_body_whatever_their_quotes(quoted, still):
    from feedback import corrections
    from feedback.models import ErrorReport

    report = ErrorReport(quoted_text=quoted)
    body = "<p>The aircraft landed at the <b>main operating base</b>.</p>"
    assert corrections.still_quoted(report, body) is still
