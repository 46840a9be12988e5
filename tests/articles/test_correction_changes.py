"""The readers' page of what a correction changed: /<date>/<slug>/changes/<revision>/."""

from datetime import timedelta

import pytest
import reversion
from django.utils import timezone
from reversion.models import Version

from articles import revisions
from articles.models import Article, Correction
from tests.factories import ArticleFactory, StaffFactory

pytestmark = pytest.mark.django_db

BEFORE = (
    "<p>The brigade flew forty drones at a time.</p><p>The exercise lasted a week.</p>"
    "<p>It ended on Friday.</p><p>Observers came from six countries.</p>"
)
AFTER = (
    "<p>The brigade flew fourteen drones at a time.</p><p>The exercise lasted a week.</p>"
    "<p>It ended on Friday.</p><p>Observers came from six countries.</p>"
)


def correct(article, body, text="An earlier version said forty drones; it was fourteen.", **kw):
    """As the correction screen does: a baseline revision, then the text and the correction
    saved as one revision that the correction points to."""
    with reversion.create_revision():
        reversion.add_to_revision(article)
    with reversion.create_revision():
        article.body = body
        article.save()
        correction = Correction.objects.create(article=article, text=text, **kw)
    correction.revision = Version.objects.get_for_object(article).first().revision
    correction.save(update_fields=["revision"])
    return correction


@pytest.fixture
def article():
    return ArticleFactory(
        title="Brigade tests drone swarm", slug="drone-swarm", body=BEFORE, standfirst="A test."
    )


def test_page_shows_the_correction_and_the_removed_and_added_words(client, article):
    correction = correct(article, AFTER)

    response = client.get(correction.get_changes_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert correction.get_changes_url() == (
        f"{article.get_absolute_url()}changes/{correction.revision_id}/"
    )
    assert "What we changed" in html and f'href="{article.get_absolute_url()}"' in html
    assert "An earlier version said forty drones; it was fourteen." in html
    # the words, struck through and underlined, with text labels for screen readers
    assert (
        '<del><span class="visually-hidden">[removed:] </span>forty'
        '<span class="visually-hidden"> [end]</span></del>' in html
    )
    assert '<ins><span class="visually-hidden">[added:] </span>fourteen' in html
    assert "The brigade flew " in html
    assert "unchanged paragraph" in html  # the far-off unchanged text is summarised
    assert ">Body</h2>" in html and ">Headline</h2>" not in html  # only what changed
    assert '<meta name="robots" content="noindex, follow">' in html


def test_page_is_cached_publicly_like_other_reader_pages(client, article):
    correction = correct(article, AFTER)

    response = client.get(correction.get_changes_url())

    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "s-maxage=300" in cache_control
    assert "stale-while-revalidate=600" in cache_control
    assert "Cookie" in response["Vary"]
    client.force_login(StaffFactory())
    assert "private" in client.get(correction.get_changes_url())["Cache-Control"]


@pytest.mark.parametrize("paragraphs", [1, 40])
def test_page_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, warm_site, paragraphs
):
    body = "".join(f"<p>Paragraph {n} about drones.</p>" for n in range(paragraphs))
    article = ArticleFactory(body=body)
    correction = correct(article, body.replace("about drones", "about forty drones", 1))
    for n in range(3):  # more history, before and after, changes nothing
        with reversion.create_revision():
            article.standfirst = f"Standfirst {n}"
            article.save()
    url = correction.get_changes_url()

    # the corrections with article, section and revision; the two versions (navigation and
    # footer from process memory)
    warm_site()
    with django_assert_num_queries(2):
        assert client.get(url).status_code == 200


def test_article_page_links_the_correction_to_its_changes(client, article):
    correction = correct(article, AFTER)

    html = client.get(article.get_absolute_url()).content.decode()

    notice = html[html.index(f'id="correction-{correction.pk}"') :].split("</p>", 1)[0]
    assert f'href="{correction.get_changes_url()}"' in notice
    assert "See what we changed" in notice
    log = client.get("/corrections/").content.decode()
    assert f'href="{correction.get_changes_url()}"' in log


def test_revisions_not_tied_to_a_published_correction_are_not_found(client, article):
    correction = correct(article, AFTER)
    url = correction.get_changes_url()
    # an ordinary edit, with no correction
    with reversion.create_revision():
        article.standfirst = "Edited."
        article.save()
    plain = Version.objects.get_for_object(article).first().revision
    assert client.get(f"{article.get_absolute_url()}changes/{plain.pk}/").status_code == 404
    assert client.get(f"{article.get_absolute_url()}changes/999999/").status_code == 404
    # the right revision under another article's address
    other = ArticleFactory(slug="other-story")
    wrong = f"{other.get_absolute_url()}changes/{correction.revision_id}/"
    assert client.get(wrong).status_code == 404
    # a correction not yet visible, or on an article readers cannot see
    Correction.objects.filter(pk=correction.pk).update(
        published_at=timezone.now() + timedelta(days=1)
    )
    assert client.get(url).status_code == 404
    Correction.objects.filter(pk=correction.pk).update(published_at=timezone.now())
    assert client.get(url).status_code == 200
    Article.objects.filter(pk=article.pk).update(status=Article.Status.ARCHIVED)
    assert client.get(url).status_code == 404


def test_correction_without_a_change_to_the_text_has_no_link(client, article):
    correction = Correction.objects.create(article=article, text="A note.")

    assert correction.get_changes_url() == ""
    assert "See what we changed" not in client.get(article.get_absolute_url()).content.decode()


def test_text_changed_reads_the_text_not_the_markup():
    before = {"title": "T", "standfirst": "S", "body": "<p>Forty drones.</p>"}

    assert not revisions.text_changed(before, {**before, "body": "<p>Forty  drones.</p>\n"})
    assert not revisions.text_changed(before, {**before, "body": "<p><b>Forty</b> drones.</p>"})
    assert revisions.text_changed(before, {**before, "body": "<p>Fourteen drones.</p>"})
    assert revisions.text_changed(before, {**before, "title": "T2"})


def test_labelled_word_diff_escapes_and_labels_each_change():
    html = revisions.word_diff("forty <drones>", "fourteen <drones>", labelled=True)

    assert html == (
        '<del><span class="visually-hidden">[removed:] </span>forty'
        '<span class="visually-hidden"> [end]</span></del>'
        '<ins><span class="visually-hidden">[added:] </span>fourteen'
        '<span class="visually-hidden"> [end]</span></ins> &lt;drones&gt;'
    )
    assert revisions.word_diff("forty", "fourteen") == "<del>forty</del><ins>fourteen</ins>"


# --- Corrections added on the article's own admin page ---------------------------------


def admin_article(client):
    from django.urls import reverse

    from tests.factories import AuthorFactory, ImageFactory, SectionFactory
    from tests.workflow_helpers import new_article_data

    data = new_article_data(
        SectionFactory(), ImageFactory(), AuthorFactory(), body=BEFORE, status="published"
    )
    assert client.post(reverse("admin:articles_article_add"), data).status_code == 302
    return Article.objects.get()


def with_new_correction(data, text):
    return {
        **data,
        "corrections-TOTAL_FORMS": "1",
        "corrections-0-kind": "correction",
        "corrections-0-position": "end",
        "corrections-0-published_at_0": timezone.localdate().strftime("%Y-%m-%d"),
        "corrections-0-published_at_1": "00:00:00",
        "corrections-0-text": text,
    }


def test_correction_added_with_a_text_fix_in_one_admin_save_links_to_it(editor_client):
    from tests.workflow_helpers import change_url, form_data

    article = admin_article(editor_client)
    data = form_data(editor_client.get(change_url(article)), body=AFTER)

    response = editor_client.post(change_url(article), with_new_correction(data, "Fourteen."))

    assert response.status_code == 302
    correction = Correction.objects.get()
    assert correction.revision is not None
    html = editor_client.get(correction.get_changes_url()).content.decode()
    assert "fourteen" in html and "<del>" in html


def test_correction_added_without_a_text_fix_gets_no_changes_page(editor_client):
    from tests.workflow_helpers import change_url, form_data

    article = admin_article(editor_client)
    data = form_data(editor_client.get(change_url(article)))

    editor_client.post(change_url(article), with_new_correction(data, "A note."))

    assert Correction.objects.get().revision is None


def test_corrections_feed_links_to_what_changed(client, article):
    from core.links import absolute_url

    correction = correct(article, AFTER)
    Correction.objects.create(article=article, text="A plain note.")

    xml = client.get("/corrections/feed/").content.decode()

    assert absolute_url(correction.get_changes_url()) in xml
    assert xml.count("See what we changed") == 1
