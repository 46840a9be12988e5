"""The compact posting form on the article's admin page, coverage buttons, and each
update's change and delete pages with their revisions."""

import pytest
import reversion
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from liveblog.models import LiveBlog, LiveUpdate, UpdateCorrection
from tests.factories import ArticleFactory, AuthorFactory
from tests.liveblog.conftest import member, post
from tests.workflow_helpers import number_rows_from

pytestmark = pytest.mark.django_db


def post_url(article):
    return reverse("admin:liveblog_liveupdate_post", args=[article.pk])


def coverage_url(article):
    return reverse("admin:liveblog_liveblog_coverage", args=[article.pk])


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def form(body="<p>Landing craft are in the water.</p>", **extra):
    return {"live-body": body, "live-headline": "", **{f"live-{k}": v for k, v in extra.items()}}


def test_article_admin_page_has_the_compact_form_and_latest_updates(client, editor, blog):
    post(blog, headline="Frigates on station")
    client.force_login(editor)
    html = client.get(change_url(blog.article)).content.decode()
    assert 'id="live-blog"' in html
    assert f'action="{post_url(blog.article)}"' in html
    assert 'name="live-body"' in html and 'name="live-key_event"' in html
    assert "Frigates on station" in html and "End live coverage" in html


def test_editor_posts_an_update_with_their_byline_and_a_revision(client, editor, blog):
    author = AuthorFactory(name="Eve Lund", slug="eve-lund", user=editor)
    client.force_login(editor)
    response = client.post(
        post_url(blog.article),
        form(headline="First wave ashore", key_event="on", body="<p>Ashore <b>now</b>.</p>"),
    )
    assert response.status_code == 302
    assert response["Location"] == change_url(blog.article) + "#live-blog"
    update = LiveUpdate.objects.get()
    assert (update.headline, update.key_event, update.pinned) == ("First wave ashore", True, False)
    assert (update.author, update.created_by) == (author, editor)
    assert update.body == "<p>Ashore <b>now</b>.</p>"
    assert Version.objects.get_for_object(update).count() == 1
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages and messages[0].startswith("Update posted at")


def test_two_editors_posting_at_once_both_land_and_the_article_is_not_saved(client, editor, blog):
    other = member("Editor", "otto")
    version = blog.article.version
    client.force_login(editor)
    page = client.get(change_url(blog.article))  # both have the article open
    assert page.status_code == 200
    second = client.__class__()
    second.force_login(other)
    second.get(change_url(blog.article))
    assert client.post(post_url(blog.article), form(body="<p>From Eve.</p>")).status_code == 302
    assert second.post(post_url(blog.article), form(body="<p>From Otto.</p>")).status_code == 302
    assert sorted(u.created_by.username for u in LiveUpdate.objects.all()) == ["eve", "otto"]
    assert Article.objects.get(pk=blog.pk).version == version


def test_an_empty_update_is_refused_with_the_headline_kept(client, editor, blog):
    client.force_login(editor)
    response = client.post(post_url(blog.article), form(body="<p> </p>", headline="Half written"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Write the update before posting it." in html
    assert 'value="Half written"' in html
    assert not LiveUpdate.objects.exists()


def test_contributor_posts_only_to_their_own_live_blog(client, blog):
    contributor = member("Contributor", "carl")
    client.force_login(contributor)
    assert client.post(post_url(blog.article), form()).status_code == 403
    own = ArticleFactory(created_by=contributor)
    LiveBlog.objects.create(article=own)
    assert client.post(post_url(own), form()).status_code == 302
    assert LiveUpdate.objects.get().live_blog_id == own.pk


def test_feedback_staff_cannot_post(client, blog):
    client.force_login(member("Feedback staff", "fay"))
    assert client.post(post_url(blog.article), form()).status_code == 403
    assert not LiveUpdate.objects.exists()


def test_posting_needs_the_live_blog_to_exist(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    assert client.post(post_url(article), form()).status_code == 404


def test_editor_starts_ends_and_resumes_coverage(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    client.post(coverage_url(article), {"action": "start"})
    blog = LiveBlog.objects.get(pk=article.pk)
    assert blog.is_live
    client.post(coverage_url(article), {"action": "end"})
    blog.refresh_from_db()
    assert blog.coverage_end is not None and not blog.is_live
    client.post(coverage_url(article), {"action": "resume"})
    blog.refresh_from_db()
    assert blog.coverage_end is None


def test_contributor_cannot_start_or_end_coverage(client, blog):
    contributor = member("Contributor", "carl")
    own = ArticleFactory(created_by=contributor)
    client.force_login(contributor)
    assert client.post(coverage_url(own), {"action": "start"}).status_code == 403
    assert client.post(coverage_url(blog.article), {"action": "end"}).status_code == 403
    assert not LiveBlog.objects.filter(pk=own.pk).exists()
    assert LiveBlog.objects.get(pk=blog.pk).coverage_end is None


def change_data(update, **changes):
    data = {
        "published_at_0": update.published_at.strftime("%Y-%m-%d"),
        "published_at_1": update.published_at.strftime("%H:%M:%S"),
        "headline": update.headline,
        "body": update.body,
        "author": "",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_editing_an_update_keeps_a_revision_and_a_correction_shows_on_it(client, editor, blog):
    client.force_login(editor)
    client.post(post_url(blog.article), form(body="<p>Twenty minutes late.</p>"))
    update = LiveUpdate.objects.get()
    url = reverse("admin:liveblog_liveupdate_change", args=[update.pk])
    response = client.post(
        url,
        change_data(
            update,
            body="<p>Eleven minutes late.</p>",
            **{
                "corrections-TOTAL_FORMS": "1",
                "corrections-0-kind": "correction",
                "corrections-0-text": "It was eleven minutes, not twenty.",
                "corrections-0-published_at_0": update.published_at.strftime("%Y-%m-%d"),
                "corrections-0-published_at_1": update.published_at.strftime("%H:%M:%S"),
            },
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    versions = Version.objects.get_for_object(update)
    assert versions.count() == 2
    assert "Twenty minutes late" in versions.last().field_dict["body"]
    update.refresh_from_db()
    assert update.body == "<p>Eleven minutes late.</p>"
    assert update.corrections.get().created_by == editor
    html = client.get(blog.article.get_absolute_url()).content.decode()
    assert "It was eleven minutes, not twenty." in html


def test_an_update_cannot_be_dated_in_the_future(client, editor, blog):
    update = post(blog)
    client.force_login(editor)
    url = reverse("admin:liveblog_liveupdate_change", args=[update.pk])
    response = client.post(url, change_data(update, published_at_0="2999-01-01"))
    assert response.status_code == 200
    assert "give a time that has passed" in response.content.decode()


def test_deleting_an_update_keeps_it_recoverable(client, editor, blog):
    update = post(blog, headline="Posted by mistake", created_by=editor)
    client.force_login(editor)
    url = reverse("admin:liveblog_liveupdate_delete", args=[update.pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert response["Location"] == change_url(blog.article) + "#live-blog"
    assert not LiveUpdate.objects.exists()
    deleted = Version.objects.get_deleted(LiveUpdate)
    assert [v.field_dict["headline"] for v in deleted] == ["Posted by mistake"]


def test_contributor_cannot_edit_or_delete_someone_elses_update(client, editor, blog):
    contributor = member("Contributor", "carl")
    theirs = post(blog, created_by=editor)
    client.force_login(contributor)
    change = reverse("admin:liveblog_liveupdate_change", args=[theirs.pk])
    delete = reverse("admin:liveblog_liveupdate_delete", args=[theirs.pk])
    # Someone else's update is not in the contributor's admin at all: "does not exist".
    for url, data in (
        (change, change_data(theirs, body="<p>Mine now.</p>")),
        (delete, {"post": "yes"}),
    ):
        response = client.post(url, data)
        assert (response.status_code, response["Location"]) == (302, reverse("admin:index"))
    theirs.refresh_from_db()
    assert theirs.body != "<p>Mine now.</p>"


def test_editor_recovers_a_deleted_update(client, editor, blog):
    update = post(blog, headline="Posted by mistake", created_by=editor)
    client.force_login(editor)
    client.post(reverse("admin:liveblog_liveupdate_delete", args=[update.pk]), {"post": "yes"})
    listing = client.get(reverse("admin:liveblog_liveupdate_changelist"))
    assert "Recover deleted live updates" in listing.content.decode()
    assert "Add live update" not in listing.content.decode()
    recover_list = client.get(reverse("admin:liveblog_liveupdate_recoverlist"))
    assert "Posted by mistake" in recover_list.content.decode()
    version = Version.objects.get_deleted(LiveUpdate).get()
    url = reverse("admin:liveblog_liveupdate_recover", args=[version.pk])
    form = client.get(url)
    assert form.status_code == 200
    response = client.post(
        url,
        change_data(
            LiveUpdate(
                **{
                    "published_at": update.published_at,
                    "headline": update.headline,
                    "body": update.body,
                }
            )
        ),
    )
    assert response.status_code == 302
    assert LiveUpdate.objects.get().headline == "Posted by mistake"


# --- A restore writes only the update in the address (issue 23) --------------------------


def revision_url(update, version):
    return reverse("admin:liveblog_liveupdate_revision", args=[update.pk, version.pk])


def test_a_revision_is_served_only_for_the_update_in_the_address(client, editor, blog):
    """The attack: a contributor's own update has the id of a correction kept in another
    update's revision; restoring "his" revision through that id would rewrite theirs."""
    number_rows_from(UpdateCorrection, 900_000)
    theirs = post(blog, created_by=editor, body="<p>Original wording.</p>")
    with reversion.create_revision():
        reversion.add_to_revision(theirs)
        correction = UpdateCorrection.objects.create(update=theirs, text="A note.")
        reversion.add_to_revision(correction)
    LiveUpdate.objects.filter(pk=theirs.pk).update(body="<p>Checked wording.</p>")
    kept = Version.objects.get_for_object(correction).get()
    contributor = member("Contributor", "carl")
    mine = post(blog, created_by=contributor, pk=int(kept.object_id))
    client.force_login(contributor)
    url = revision_url(mine, kept)

    assert client.get(url).status_code == 404
    assert client.post(url, change_data(mine)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.body == "<p>Checked wording.</p>"


def test_editor_restores_an_earlier_wording_of_an_update(client, editor, blog):
    update = post(blog, created_by=editor, body="<p>First wording.</p>")
    with reversion.create_revision():
        reversion.add_to_revision(update)
    first = Version.objects.get_for_object(update).get()
    LiveUpdate.objects.filter(pk=update.pk).update(body="<p>Second wording.</p>")
    client.force_login(editor)
    page = client.get(revision_url(update, first))
    assert page.status_code == 200
    assert "First wording." in page.content.decode()
    data = change_data(update, body=page.context["adminform"].form["body"].value())
    assert client.post(revision_url(update, first), data).status_code == 302
    update.refresh_from_db()
    assert update.body == "<p>First wording.</p>"


def test_pinning_a_new_update_unpins_the_old_and_says_so(client, editor, blog):
    old = post(blog, 30, headline="How we cover this", pinned=True)
    client.force_login(editor)
    response = client.post(
        post_url(blog.article), form(headline="Safety notice", pinned="on"), follow=True
    )
    html = response.content.decode()
    assert "Only one update is pinned at a time: “How we cover this” is no longer pinned." in html
    old.refresh_from_db()
    assert not old.pinned
    assert list(LiveUpdate.objects.filter(pinned=True).values_list("headline", flat=True)) == [
        "Safety notice"
    ]
    page = client.get(blog.article.get_absolute_url()).content.decode()
    assert page.count('<span class="live-flag">Pinned</span>') == 2  # key events and update


def test_pinning_from_the_change_form_unpins_the_old_too(client, editor, blog):
    old = post(blog, 30, headline="How we cover this", pinned=True)
    update = post(blog, 10, headline="Safety notice")
    client.force_login(editor)
    url = reverse("admin:liveblog_liveupdate_change", args=[update.pk])
    response = client.post(url, change_data(update, pinned="on"), follow=True)
    assert "is no longer pinned" in response.content.decode()
    old.refresh_from_db()
    update.refresh_from_db()
    assert (old.pinned, update.pinned) == (False, True)


def test_posting_unpinned_leaves_the_pin_alone(client, editor, blog):
    old = post(blog, 30, headline="How we cover this", pinned=True)
    client.force_login(editor)
    response = client.post(post_url(blog.article), form(headline="Fog lifts"), follow=True)
    assert "no longer pinned" not in response.content.decode()
    old.refresh_from_db()
    assert old.pinned
