"""Every role held to its rule on every URL the project routes.

The walk visits every URL pattern (django.urls.get_resolver(), recursively), fills its
parameters from real objects (published, scheduled and draft articles, an unpublished page,
a deleted article, revisions, reports...), and requests it as a superuser, an Editor, a
Contributor, Feedback staff, staff without a group and an anonymous reader. No answer is
a server error, and the title of unpublished work appears only for the roles the admin
shows it to. Then the views that show or change unpublished work are checked one by one.
"""

import re
from datetime import timedelta

import pytest
import reversion
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from reversion.models import Version

from articles import previews
from articles.models import Article, ArticleRedirect, Correction, PreviewLink
from feedback.models import ErrorReport
from liveblog.models import LiveBlog, LiveUpdate
from media.models import Image
from newsletter import clicks, confirmation
from newsletter.models import Edition, Subscriber
from planning import calendar
from support.models import Page
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    DonationOptionFactory,
    ImageFactory,
    PageFactory,
    SectionFactory,
    StaffFactory,
    UserFactory,
    image_bytes,
)
from tests.workflow_helpers import ensure_groups, member

pytestmark = pytest.mark.django_db

ROLES = ["superuser", "editor", "contributor", "feedback", "staff", "anonymous"]
# Which unpublished work each role may read (the admin's rule, articles/workflow.py).
SECRETS = {
    "SECRET-DRAFT-CARA": {"superuser", "editor", "contributor"},  # Cara's own draft
    "SECRET-DRAFT-EVE": {"superuser", "editor"},
    "SECRET-SCHEDULED": {"superuser", "editor"},
    "SECRET-DELETED": {"superuser", "editor"},  # in "Recover deleted articles"
    "SECRET-PAGE": {"superuser"},  # unpublished site page: support.view_page
}
# Patterns that have no name: the admin's catch-all (a redirect or 404) and its old-style
# object addresses (a redirect to the change page), visited with real objects.
CATCH_ALL = "admin/(?P<url>.*)$"
OLD_OBJECT_URL = re.compile(r"^admin/(\w+)/(\w+)/<path:object_id>/$")


def walk(patterns=None, prefix="", namespace=""):
    """(full name or None, full route, kwarg names, count of positional groups, callback)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from walk(entry.url_patterns, route, ns)
        elif isinstance(entry, URLPattern):
            regex = entry.pattern.regex
            name = f"{namespace}{entry.name}" if entry.name else None
            named = list(regex.groupindex)
            positional = regex.groups - len(named)
            yield name, route, named, positional, entry.callback


@pytest.fixture
def site():
    """Real objects of every kind, some published and some not."""
    ensure_groups()
    users = {
        "superuser": StaffFactory(username="root"),
        "editor": member("Editor", "eve"),
        "contributor": member("Contributor", "cara"),
        "feedback": member("Feedback staff", "fay"),
        "staff": UserFactory(username="stan", is_staff=True),
    }
    feedback_group = Group.objects.get(name="Feedback staff")
    assert feedback_group.user_set.filter(username="fay").exists()
    section = SectionFactory(slug="news")
    author = AuthorFactory(slug="ana")
    image = ImageFactory()
    published = ArticleFactory(title="A published story", section=section, lead_image=image)
    published.tags.add("Navy")
    ArticleFactory(published_at=timezone.now() - timedelta(days=1), section=section)
    with reversion.create_revision():
        scheduled = ArticleFactory(
            title="SECRET-SCHEDULED",
            section=section,
            published_at=timezone.now() + timedelta(days=2),
            created_by=users["editor"],
        )
        draft_cara = ArticleFactory(
            title="SECRET-DRAFT-CARA",
            status=Article.Status.DRAFT,
            published_at=None,
            created_by=users["contributor"],
        )
        draft_eve = ArticleFactory(
            title="SECRET-DRAFT-EVE",
            status=Article.Status.IN_REVIEW,
            published_at=None,
            created_by=users["editor"],
        )
        doomed = ArticleFactory(title="SECRET-DELETED", status=Article.Status.DRAFT)
        hidden_page = PageFactory(title="SECRET-PAGE", slug="secret-page", is_published=False)
        PageFactory(title="About us", slug="about")
    doomed.delete()
    Correction.objects.create(article=published, text="A fixed fact.")
    ArticleRedirect.objects.create(old_path="/2019/01/01/old/", article=published)
    link = previews.create(draft_eve, users["editor"])
    previews.revoke(link)
    # A reader reported the story before it was taken back to be rescheduled.
    ErrorReport.objects.create(article=scheduled, quoted_text="the date is wrong")
    ErrorReport.objects.create(page_url="/about/", quoted_text="typo")
    DonationOptionFactory(slug="card")
    # Every article a live blog with one update naming it: its poll, pages and feed must
    # say nothing of unpublished work.
    for article in (published, scheduled, draft_cara, draft_eve):
        blog = LiveBlog.objects.create(article=article)
        LiveUpdate.objects.create(
            live_blog=blog, headline=f"Update on {article.title}", body="<p>x</p>"
        )
    subscriber = Subscriber.objects.create(
        email="reader@example.org", consent_text="Yes.", consent_at=timezone.now()
    )
    edition = Edition.objects.create(subject="Sent", status="sent", sent_at=timezone.now())
    return {
        "subscriber": subscriber,
        "edition": edition,
        "users": users,
        "articles": [published, scheduled, draft_cara, draft_eve],
        "page": hidden_page,
        "author": author,
        "image": image,
        "link": link,
    }


def _admin_model(name):
    """admin:articles_article_change → the model class, or None."""
    match = re.match(r"admin:([a-z_]+?)_([a-z]+)_[a-z_]+$", name)
    if not match:
        return None
    for ct in ContentType.objects.all():
        if name.startswith(f"admin:{ct.app_label}_{ct.model}_"):
            return ct.model_class()
    return None


def fill(name, named, positional, site):
    """Every (args, kwargs) to try for one pattern, from real objects."""
    articles = site["articles"]
    if name == "articles:detail":
        out = []
        for article in articles:
            if article.published_at:
                day = timezone.localtime(article.published_at)
                out.append(
                    (
                        (),
                        {
                            "year": day.year,
                            "month": f"{day.month:02d}",
                            "day": f"{day.day:02d}",
                            "slug": article.slug,
                        },
                    )
                )
        return out
    if name == "articles:correction_changes":  # any revision: none is a correction's here
        revisions = [v.revision_id for v in Version.objects.order_by("pk")[:1]] or [1]
        return [
            ((), {**a.address_kwargs(), "revision": r})
            for a in articles
            if a.published_at
            for r in revisions
        ]
    if name == "articles:draft":
        return [((), {"pk": a.pk}) for a in articles]
    if name == "admin:stats_article":  # an article's audience (Editors only)
        return [((), {"pk": a.pk}) for a in articles]
    if name.startswith("liveblog:"):
        updates = {u.live_blog_id: u.pk for u in LiveUpdate.objects.all()}
        return [
            ((), {"pk": a.pk, **({"update_id": updates[a.pk]} if "update_id" in named else {})})
            for a in articles
        ]
    if name == "planning:calendar_feed":
        # A feed's address is a capability, like a preview link: whoever holds a live one
        # reads the desk's diary, scheduled stories included. Revoked ones are walked here.
        tokens = []
        for feed in (calendar.feed_for(), calendar.feed_for(site["users"]["editor"])):
            tokens.append(calendar.feed_token(feed))
            calendar.revoke(feed)
        return [((), {"token": token}) for token in tokens]
    if name == "articles:preview":
        return [((), {"token": previews.path_for(site["link"]).split("/")[2]})]
    if name == "newsletter:confirm":
        url = confirmation.confirmation_url(site["subscriber"])
        return [((), {"signed": url.rstrip("/").rsplit("/", 1)[1]})]
    if name == "newsletter:unsubscribe":
        return [((), {"token": site["subscriber"].token})]
    if name == "newsletter:edition":
        return [((), {"pk": site["edition"].pk})]
    if name == "newsletter:click":  # a story link of an edition (not one of its stories)
        url = clicks.click_url(site["edition"].pk, 1, 1)
        return [((), {"signed": url.rstrip("/").rsplit("/", 1)[1]}), ((), {"signed": "1.1.1:x"})]
    if name == "support:page":
        return [((), {"slug": slug}) for slug in ("about", "secret-page")]
    if name == "giving:sign_in_link":  # a spent or unknown sign-in link
        return [((), {"token": "not-a-live-link"})]
    if name in ("giving:gift_change", "giving:gift_cancel"):
        return [((), {"pk": 1})]
    if name == "giving:statement":
        return [((), {"year": 2026})]
    if name == "support:go":
        return [((), {"slug": "card"})]
    if name in ("authors:detail", "articles:author_feed", "articles:author_feed_atom"):
        return [((), {"slug": site["author"].slug})]
    if name.startswith("articles:section") or name == "sitemap_section":
        key = "section" if name == "sitemap_section" else "slug"
        return [((), {key: "news"})]
    if name.startswith("articles:tag"):
        return [((), {"slug": "navy"})]
    if name == "admin:app_list":
        labels = {ct.app_label for ct in ContentType.objects.all()}
        labels &= {"articles", "authors", "feedback", "newsletter", "support", "auth", "taggit"}
        return [((), {"app_label": label}) for label in sorted(labels)]
    if name == "admin:view_on_site":
        ct = ContentType.objects.get_for_model(Article)
        subscriber = site["subscriber"]
        return [((), {"content_type_id": ct.pk, "object_id": a.pk}) for a in articles] + [
            (
                (),
                {
                    "content_type_id": ContentType.objects.get_for_model(subscriber).pk,
                    "object_id": subscriber.pk,
                },
            )
        ]
    if name == "admin:password_reset_confirm" or "uidb64" in named:
        return [((), {"uidb64": "MQ", "token": "set-password"})]
    model = _admin_model(name or "")
    if model is not None and name.endswith("_recover"):
        deleted = Version.objects.get_deleted(Article)
        return [((v.pk,), {}) for v in deleted] if model is Article else []
    if model is not None and (named or positional):
        objects = list(model._default_manager.order_by("pk")[:1])
        if model is Article:
            objects = articles
        if model is Page:
            objects = [site["page"]]
        out = []
        for obj in objects:
            if name.endswith("_revision"):
                versions = Version.objects.get_for_object(obj)
                out += [((str(obj.pk), v.pk), {}) for v in versions[:1]]
            elif positional:
                out.append(((str(obj.pk),), {}))
            else:
                out.append(((), {named[0]: str(obj.pk)}))
        return out
    if not named and not positional:
        return [((), {})]
    raise AssertionError(f"No parameters for {name} ({named}, {positional})")


def client_for(role, site):
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(site["users"][role])
    return client


def test_every_routed_url_as_every_role_never_errs_and_never_leaks(site):
    patterns = list(walk())
    urls = []
    for name, route, *_ in patterns:
        if name is not None or route == CATCH_ALL:
            continue
        match = OLD_OBJECT_URL.match(route)
        assert match, f"unnamed pattern {route}"
        model = ContentType.objects.get_by_natural_key(*match.groups()).model_class()
        objects = site["articles"] if model is Article else model._default_manager.all()[:1]
        urls += [f"/{match[1]}/{match[2]}/{obj.pk}/".replace("/", "/admin/", 1) for obj in objects]
    for name, _route, named, positional, _callback in patterns:
        if name is None:
            continue
        for args, kwargs in fill(name, named, positional, site):
            urls.append(reverse(name, args=args, kwargs=kwargs))
    assert len(urls) > 100  # the walk reached the admin's model pages too
    for role in ROLES:
        client = client_for(role, site)
        for url in urls:
            response = client.get(url)
            assert response.status_code < 500, f"{role} GET {url}: {response.status_code}"
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = body.decode(errors="replace") + str(response.get("Location", ""))
            for secret, allowed in SECRETS.items():
                if role not in allowed:
                    assert secret not in text, f"{role} read {secret} at {url}"


def test_no_third_party_upload_endpoint_is_routed():
    callbacks = {getattr(cb, "__module__", "") for *_rest, cb in walk()}
    assert not any(module.startswith("django_ckeditor_5") for module in callbacks)
    assert Client().post("/ckeditor5/image_upload/").status_code == 404


# --- Views that show or change unpublished work ------------------------------------------

DRAFT_EXPECTED = {
    # role: (Cara's draft, Eve's draft)
    "superuser": (200, 200),
    "editor": (200, 200),
    "contributor": (200, 404),
    "feedback": (404, 404),
    "staff": (404, 404),
    "anonymous": (404, 404),
}


@pytest.mark.parametrize("role", ROLES)
def test_draft_view_applies_the_admin_rule(site, role):
    client = client_for(role, site)
    _published, scheduled, draft_cara, draft_eve = site["articles"]
    cara = client.get(reverse("articles:draft", kwargs={"pk": draft_cara.pk}))
    eve = client.get(reverse("articles:draft", kwargs={"pk": draft_eve.pk}))
    assert (cara.status_code, eve.status_code) == DRAFT_EXPECTED[role]
    scheduled_page = client.get(scheduled.get_absolute_url())
    assert scheduled_page.status_code == (200 if role in ("superuser", "editor") else 404)


UPLOAD_EXPECTED = {
    "superuser": 200,
    "editor": 200,
    "contributor": 200,
    "feedback": 403,
    "staff": 403,
    "anonymous": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_editor_upload_needs_the_add_image_permission(site, role):
    client = client_for(role, site)
    before = Image.objects.count()
    upload = SimpleUploadedFile("p.png", image_bytes(fmt="PNG"))
    response = client.post(reverse("articles:editor_image_upload"), {"upload": upload})
    assert response.status_code == UPLOAD_EXPECTED[role]
    assert Image.objects.count() == before + (1 if response.status_code == 200 else 0)


def test_autocomplete_applies_the_admin_rule(site):
    params = {"app_label": "articles", "model_name": "articleredirect", "field_name": "article"}
    editor = client_for("editor", site).get(reverse("admin:autocomplete"), params)
    assert editor.status_code == 200
    titles = {r["text"] for r in editor.json()["results"]}
    assert {"SECRET-DRAFT-CARA", "SECRET-SCHEDULED"} <= titles
    contributor = client_for("contributor", site).get(reverse("admin:autocomplete"), params)
    titles = {r["text"] for r in contributor.json()["results"]}
    assert "SECRET-DRAFT-CARA" in titles
    assert not titles & {"SECRET-DRAFT-EVE", "SECRET-SCHEDULED"}
    for role in ("feedback", "staff", "anonymous"):
        response = client_for(role, site).get(reverse("admin:autocomplete"), params)
        assert response.status_code in (302, 403), role
        assert "SECRET" not in response.content.decode()


def test_feedback_export_hides_the_title_of_an_unpublished_article(site):
    export = reverse("admin:feedback_errorreport_export")
    feedback = b"".join(client_for("feedback", site).get(export).streaming_content).decode()
    assert "the date is wrong" in feedback
    assert "SECRET-SCHEDULED" not in feedback
    assert "(an unpublished article)" in feedback
    editor = b"".join(client_for("editor", site).get(export).streaming_content).decode()
    assert "SECRET-SCHEDULED" in editor


def test_revisions_and_preview_links_follow_the_admin_rule(site):
    _published, _scheduled, draft_cara, draft_eve = site["articles"]
    contributor = client_for("contributor", site)
    history = reverse("admin:articles_article_history", args=[draft_eve.pk])
    assert contributor.get(history, follow=True).redirect_chain  # "does not exist" redirect
    own = reverse("admin:articles_article_history", args=[draft_cara.pk])
    assert contributor.get(own).status_code == 200
    version = Version.objects.get_for_object(draft_eve).first()
    revision = reverse("admin:articles_article_revision", args=[draft_eve.pk, version.pk])
    assert contributor.get(revision).status_code == 403
    assert client_for("feedback", site).get(revision).status_code == 403
    links = reverse("admin:articles_article_preview_links", args=[draft_eve.pk])
    assert contributor.get(links).status_code in (302, 403)
    assert client_for("feedback", site).post(links, {"create": "1"}).status_code in (302, 403)
    assert PreviewLink.objects.filter(article=draft_eve).count() == 1  # only the revoked one
