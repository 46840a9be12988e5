"""The editorial workflow's rules, in one place.

Who may move an article from which status to which, what an article needs before it is
published, how a save is refused when someone else saved first, and which old addresses
keep working when a published article moves. The article admin's form, its bulk actions,
its views and the dashboard all ask this module; nothing else decides.

Roles are groups made by migration 0004_editorial_groups:

- **Contributor** (add/change/view articles): sees and changes only their own articles,
  and only while they are drafts; may save a draft or submit it for review.
- **Editor** (holds ``articles.publish_article``): every article and every move in
  EDITOR_MOVES: publish now or at a future time (scheduled), unpublish, archive, restore.
- **Feedback staff**: no article permissions at all.

A scheduled article is a published one whose ``published_at`` is in the future;
``Article.objects.published()`` compares that time with now, so it appears by itself.
"""

from dataclasses import dataclass
from datetime import datetime
from html import unescape

import reversion
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, strip_tags
from django.utils.text import get_text_list

from core.staff import is_verified_staff

from .models import Article, ArticleRedirect

Status = Article.Status
PUBLISH_PERMISSION = "articles.publish_article"
CHANGE_PERMISSION = "articles.change_article"
VIEW_PERMISSION = "articles.view_article"

# status now → statuses it may be saved with. None is a new article.
EDITOR_MOVES = {
    None: {Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED},
    Status.DRAFT: {Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED, Status.ARCHIVED},
    Status.IN_REVIEW: {Status.IN_REVIEW, Status.DRAFT, Status.PUBLISHED, Status.ARCHIVED},
    Status.PUBLISHED: {Status.PUBLISHED, Status.DRAFT, Status.ARCHIVED},
    Status.ARCHIVED: {Status.ARCHIVED, Status.DRAFT, Status.PUBLISHED},
}
CONTRIBUTOR_MOVES = {
    None: {Status.DRAFT, Status.IN_REVIEW},
    Status.DRAFT: {Status.DRAFT, Status.IN_REVIEW},
}


# --- Roles -----------------------------------------------------------------------------


def is_editor(user):
    """Editors (and superusers) publish, schedule, unpublish, archive and edit everything."""
    return user.is_active and user.has_perm(PUBLISH_PERMISSION)


def visible_articles(user, queryset):
    """The articles this user works with in the admin: all for editors, their own for
    contributors."""
    if is_editor(user):
        return queryset
    return queryset.filter(created_by=user.pk)


def readable_articles(user, queryset):
    """The articles this user may read on the site (article page, draft page): published
    ones for everyone, and unpublished ones (drafts, in review, scheduled, archived) only as
    the admin shows them: editors all, contributors their own, other staff none."""
    published = queryset.published()
    if not (is_verified_staff(user) and user.has_perm(VIEW_PERMISSION)):
        return published
    return published | visible_articles(user, queryset)


def can_read(user, article):
    """readable_articles for one article already loaded."""
    if article.is_published:
        return True
    if not (is_verified_staff(user) and user.has_perm(VIEW_PERMISSION)):
        return False
    return is_editor(user) or article.created_by_id == user.pk


def can_edit(user, article):
    """May this user save changes to this article (as it is stored now)?"""
    if not user.has_perm(CHANGE_PERMISSION):
        return False
    if is_editor(user):
        return True
    return article.created_by_id == user.pk and article.status == Status.DRAFT


def allowed_statuses(user, current):
    """The statuses this user may save an article with, given its stored status (None for a
    new article), in the model's order."""
    moves = EDITOR_MOVES if is_editor(user) else CONTRIBUTOR_MOVES
    allowed = moves.get(current, set())
    return [value for value in Status.values if value in allowed]


def move_refusal(user, current, new):
    """Why this user may not save an article in status `current` as `new`, or None."""
    if new in allowed_statuses(user, current):
        return None
    if not is_editor(user):
        return (
            "Contributors save drafts and submit them for review; only an editor can "
            "publish, schedule, unpublish or archive an article."
        )
    return f"An article cannot go from “{Status(current).label}” to “{Status(new).label}”."


# --- Publishing ------------------------------------------------------------------------


def has_text(html):
    return bool(unescape(strip_tags(html or "")).strip())


def missing_for_publication(*, title, body, section, lead_image, author_count=None):
    """What an article still needs before it may be published, as a list of phrases
    ("a section", ...). author_count None skips the byline check (new articles in a form,
    where the bylines are checked by the inline formset)."""
    missing = []
    if not (title or "").strip():
        missing.append("a headline")
    if not has_text(body):
        missing.append("body text")
    if section is None:
        missing.append("a section")
    if author_count is not None and author_count < 1:
        missing.append("at least one author")
    if lead_image is None:
        missing.append("a lead image")
    elif not lead_image.alt_text.strip():
        missing.append("alt text on the lead image")
    return missing


def publication_error(missing):
    return f"Not ready to publish: add {get_text_list(missing, 'and')}."


def missing_for_article(article):
    """missing_for_publication for a stored article (uses prefetched bylines if any)."""
    return missing_for_publication(
        title=article.title,
        body=article.body,
        section=article.section,
        lead_image=article.lead_image,
        author_count=len(article.bylines.all()),
    )


NO_AUTHOR = publication_error(["at least one author"])


# --- Edit conflicts (optimistic locking) -------------------------------------------------


def lock_stored(pk):
    """The article's stored workflow state, locked FOR UPDATE until the transaction ends, so
    no other save can slip in between the version check and this save. None if deleted
    (or if pk, taken from a URL, is not an article id at all)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        Article.objects.select_for_update(of=("self",))
        .only("version", "status", "slug", "published_at", "created_by")
        .filter(pk=pk)
        .first()
    )


def conflict_message(article_pk):
    """Tell an editor that someone else saved first: who and when, if the history knows."""
    from reversion.models import Version

    latest = (
        Version.objects.get_for_object_reference(Article, article_pk)
        .select_related("revision__user")
        .order_by("-pk")
        .first()
    )
    who = "Someone else"
    if latest is not None:
        user = latest.revision.user
        if user is not None:
            who = user.get_full_name() or user.get_username()
        when = timezone.localtime(latest.revision.date_created)
        who = f"{who} (at {when:%H:%M})"
    return format_html(
        "{} saved this article after you opened it, so your changes were not saved. Nothing "
        'is lost: your version is still in this form. <a href="{}" target="_blank" '
        'rel="noopener">Open their version in a new tab</a> and bring across anything you '
        "need; saving again replaces their version with this one.",
        who,
        reverse("admin:articles_article_change", args=[article_pk]),
    )


# --- Old addresses ---------------------------------------------------------------------


@dataclass(frozen=True)
class Address:
    path: str
    live: bool  # readers could see it there


def address_of(article, now=None):
    now = now or timezone.now()
    live = bool(
        article.status == Status.PUBLISHED and article.published_at and article.published_at <= now
    )
    return Address(article.get_absolute_url(), live)


def keep_old_address(article, before):
    """After a save: when a published article's address changed (new slug or date), the old
    one answers with a permanent redirect (articles.middleware). A redirect never points an
    address at itself: the one for the article's current address is removed."""
    current = article.get_absolute_url()
    ArticleRedirect.objects.filter(old_path=current).delete()
    if before.live and before.path != current:
        ArticleRedirect.objects.update_or_create(
            old_path=before.path, defaults={"article": article}
        )


# --- Bulk moves (admin actions) --------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    article: Article
    done: bool
    message: str


def move(article, user, new_status, now: datetime | None = None):
    """Move one stored article to `new_status` as `user` would from the article list, with
    the same permission and publication checks as the form. Bumps the version so an editor
    with the article open cannot overwrite the move unknowingly. Returns an Outcome."""
    now = now or timezone.now()
    title = f"“{article.title}”"
    if not can_edit(user, article):
        return Outcome(article, False, f"{title}: you cannot change this article.")
    if article.status == new_status:
        label = "scheduled" if article.is_scheduled else Status(new_status).label.lower()
        return Outcome(article, False, f"{title} was already {label}; left as it was.")
    refusal = move_refusal(user, article.status, new_status)
    if refusal:
        return Outcome(article, False, f"{title} not changed. {refusal}")
    before = address_of(article, now)
    if new_status == Status.PUBLISHED:
        missing = missing_for_article(article)
        if missing:
            return Outcome(article, False, f"{title} not published. {publication_error(missing)}")
        if article.published_at is None:
            article.published_at = now
        clash = (
            Article.objects.filter(
                slug=article.slug, published_at__date=timezone.localdate(article.published_at)
            )
            .exclude(pk=article.pk)
            .exists()
        )
        if clash:
            return Outcome(
                article,
                False,
                f"{title} not published: another article published that day already uses "
                "its address. Change its slug first.",
            )
    article.status = new_status
    article.version += 1
    with transaction.atomic():
        article.save(update_fields=["status", "published_at", "version", "modified"])
        keep_old_address(article, before)
    if article.is_scheduled:
        when = timezone.localtime(article.published_at)
        return Outcome(article, True, f"{title} scheduled for {when:%d %b %Y %H:%M}.")
    verb = {
        Status.PUBLISHED: "published",
        Status.DRAFT: "returned to draft (unpublished)",
        Status.ARCHIVED: "archived",
        Status.IN_REVIEW: "submitted for review",
    }[new_status]
    return Outcome(article, True, f"{title} {verb}.")


# --- Dashboard -------------------------------------------------------------------------


def move_selected(queryset, user, new_status):
    """The admin's bulk actions: move each article of `queryset` (locked, in id order, in
    one transaction) with move(), each in a revision of its own. Returns (article,
    Outcome) pairs, in that order."""
    articles = (
        queryset.select_for_update(of=("self",))
        .select_related("section", "lead_image")
        .prefetch_related("bylines")
        .order_by("pk")
    )
    moved = []
    with transaction.atomic():
        for article in articles:
            with reversion.create_revision():
                reversion.set_user(user)
                moved.append((article, move(article, user, new_status)))
    return moved


def in_review(user):
    return visible_articles(user, Article.objects.filter(status=Status.IN_REVIEW)).order_by(
        "modified"
    )


def scheduled(user, now=None):
    now = now or timezone.now()
    return visible_articles(
        user, Article.objects.filter(status=Status.PUBLISHED, published_at__gt=now)
    ).order_by("published_at")


def drafts_of(user):
    return Article.objects.filter(Q(created_by=user.pk), status=Status.DRAFT).order_by("-modified")
