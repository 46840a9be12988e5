"""Review hand-offs: when an article is submitted for review, the editors hear about it by
e-mail (notify_review below, a background task enqueued once the save commits and retried
when the mail server fails) and find it in the dashboard's "In review" panel."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from core.tasks import enqueue_on_commit, retrying_task

from . import workflow
from .models import Article

logger = logging.getLogger(__name__)

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def display_name(user):
    return user.get_full_name() or user.get_username()


def editors():
    """Active staff who may publish (editors by group or own permission, and superusers)
    and have an e-mail address."""
    users = get_user_model().objects.with_perm(workflow.PUBLISH_PERMISSION, backend=MODEL_BACKEND)
    return users.filter(is_staff=True, is_active=True).exclude(email="").order_by("username")


def submitted(before, article, user):
    """Call after `user` saved `article`, whose status was `before` (None when new): when
    this save sent it to review, the editors are told once the save commits."""
    if article.status == Article.Status.IN_REVIEW and before != Article.Status.IN_REVIEW:
        enqueue_on_commit(notify_review, article.pk, user.pk)


def notify_editors(article_pk, submitter_pk):
    """E-mail the editors (not the submitter) that article `article_pk` waits for review.
    Nothing is sent when it has left review (or was deleted) before the task ran."""
    article = (
        Article.objects.select_related("section")
        .filter(pk=article_pk, status=Article.Status.IN_REVIEW)
        .first()
    )
    if article is None:
        return
    submitter = get_user_model().objects.filter(pk=submitter_pk).first()
    recipients = sorted(set(editors().exclude(pk=submitter_pk).values_list("email", flat=True)))
    if not recipients:
        logger.warning("Article %s is in review but no editor has an e-mail address.", article_pk)
        return
    who = display_name(submitter) if submitter else "Someone"
    body = render_to_string(
        "articles/emails/review_request.txt",
        {
            "article": article,
            "submitter": who,
            "admin_url": settings.SITE_URL
            + reverse("admin:articles_article_change", args=[article.pk]),
            "dashboard_url": settings.SITE_URL + reverse("admin:index"),
        },
    )
    EmailMessage(
        subject=f"[{settings.SITE_NAME}] For review: “{article.title}” from {who}",
        body=body,
        to=recipients,
    ).send()


@retrying_task(attempts=5, backoff=60)
def notify_review(article_pk, submitter_pk):
    """The background task: tell the editors an article was submitted for review."""
    notify_editors(article_pk, submitter_pk)
