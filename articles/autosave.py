"""Autosave and presence on the article form (static/admin-extra/article-desk.js).

While the form is open its page beats every HEARTBEAT_SECONDS; each beat may carry the
text fields as they are in the form. They are kept in the person's EditSession, never as
a revision: reopening the article offers to restore them, saving the form clears them.
Whoever else has the article open (a beat newer than PRESENCE_SECONDS) is named on the
form, so two people know before the edit-conflict check refuses the second save.
"""

from datetime import timedelta

from django.utils import timezone

from core.sanitize import clean_html

from .models import Article, EditSession

# Text fields an autosave keeps: what a person loses most when a tab closes.
FIELDS = ("title", "standfirst", "body", "seo_title", "seo_description")
HEARTBEAT_SECONDS = 15
PRESENCE_SECONDS = 45
MAX_BODY = 1_000_000  # characters; a longer body is not autosaved


def display_name(user):
    return user.get_full_name() or user.get_username()


def cleaned_changes(data):
    """The autosaved fields from posted `data`, bounded as the model bounds them; the body
    sanitised like a saved one. Fields not posted are left out."""
    changes = {}
    for name in FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name == "body":
            if len(value) > MAX_BODY:
                continue
            value = clean_html(value)
        else:
            limit = Article._meta.get_field(name).max_length
            value = value[:limit] if limit else value
        changes[name] = value
    return changes


def beat(article, user, changes=None, now=None):
    """Record that `user` has `article` open and, with `changes`, their unsaved text.
    Returns the session."""
    now = now or timezone.now()
    defaults = {"seen_at": now}
    if changes:
        defaults.update(changes=changes, changed_at=now)
    session, _ = EditSession.objects.update_or_create(article=article, user=user, defaults=defaults)
    return session


def others_editing(article, user, now=None):
    """Names of the other people with `article` open now, by name."""
    since = (now or timezone.now()) - timedelta(seconds=PRESENCE_SECONDS)
    sessions = (
        EditSession.objects.filter(article=article, seen_at__gte=since)
        .exclude(user=user)
        .select_related("user")
        .order_by("user__username")
    )
    return [display_name(session.user) for session in sessions]


def unsaved(article, user):
    """`user`'s autosave of `article` (changes they have not saved), or None. It is kept
    even when someone saved the article since: the offer then says so."""
    return (
        EditSession.objects.filter(article=article, user=user, changed_at__isnull=False)
        .exclude(changes={})
        .first()
    )


def restore(article, session):
    """Put the autosaved fields on `article` in memory (for the form); saves nothing."""
    for name, value in session.changes.items():
        if name in FIELDS:
            setattr(article, name, value)


def forget(article, user):
    """Drop `user`'s unsaved changes to `article` (saved, or discarded)."""
    EditSession.objects.filter(article=article, user=user).update(changes={}, changed_at=None)


def leave(article, user):
    """`user` closed the article: they no longer count as editing it."""
    EditSession.objects.filter(article=article, user=user).update(
        seen_at=timezone.now() - timedelta(seconds=PRESENCE_SECONDS + 1)
    )
