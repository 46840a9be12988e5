"""The budget's domain operations. The admin, the signals and the tasks call these."""

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article, ArticleAuthor
from articles.teasers import refresh_teaser_bylines
from core.tasks import enqueue_on_commit

from .models import Assignment, BudgetLine

Status = BudgetLine.Status


class PlanningError(Exception):
    """A rule of the desk refused the operation; the message is for the person."""


def assign(line, authors, by=None, now=None):
    """Make `authors` the line's writers. New writers are told (e-mail and dashboard, by the
    task queue); an idea becomes assigned. Returns the new assignments."""
    now = now or timezone.now()
    wanted = {author.pk: author for author in authors}
    current = set(line.assignments.values_list("author_id", flat=True))
    line.assignments.exclude(author_id__in=wanted).delete()
    added = [
        Assignment.objects.create(line=line, author=author, assigned_at=now)
        for pk, author in wanted.items()
        if pk not in current
    ]
    fields = []
    if wanted and line.status == Status.IDEA:
        line.status = Status.ASSIGNED
        fields.append("status")
    if wanted and line.assigned_at is None:
        line.assigned_at = now
        fields.append("assigned_at")
    if not wanted and line.status == Status.ASSIGNED:
        line.status, line.assigned_at = Status.IDEA, None
        fields += ["status", "assigned_at"]
    if fields:
        line.save(update_fields=[*fields, "modified"])
    if added:
        from .tasks import notify_assignments

        enqueue_on_commit(notify_assignments, [a.pk for a in added])
    return added


@transaction.atomic
def start_article(line, user):
    """Create the line's draft, filled from the line, and link the two. A line has at most
    one article."""
    line = BudgetLine.objects.select_for_update().get(pk=line.pk)
    if line.article_id:
        raise PlanningError("This story already has its article.")
    if line.status == Status.SPIKED:
        raise PlanningError("This story was spiked: bring it back before starting it.")
    title = line.slug.replace("-", " ").capitalize()
    article = Article.objects.create(
        title=title,
        slug=slugify(line.slug)[:200] or "untitled",
        standfirst=line.pitch[:300],
        section=line.section,
        status=Article.Status.DRAFT,
        created_by=user,
    )
    ArticleAuthor.objects.bulk_create(
        ArticleAuthor(article=article, author_id=author_id, position=position)
        for position, author_id in enumerate(line.assignments.values_list("author_id", flat=True))
    )
    refresh_teaser_bylines([article.pk])  # bulk_create sends no signals
    line.article = article
    if line.status == Status.IDEA:
        line.status = Status.ASSIGNED
    line.save(update_fields=["article", "status", "modified"])
    return article


# The article's status → the line's, moving forward only (an editor may still set a line by hand).
_FOLLOW = {
    Article.Status.IN_REVIEW: Status.FILED,
    Article.Status.PUBLISHED: Status.PUBLISHED,
}
_ORDER = [s.value for s in Status]


def follow_article(article):
    """Move the article's line along with it: in review → filed, published → published (and
    a freelance fee becomes payable). Called after every article save."""
    target = _FOLLOW.get(article.status)
    if target is None:
        return
    line = BudgetLine.objects.filter(article=article).first()
    if line is None or line.status == Status.SPIKED:
        return
    if target == Status.PUBLISHED and not article.is_published:
        return  # scheduled: it becomes published when it appears
    if _ORDER.index(target) <= _ORDER.index(line.status):
        return
    line.status = target
    fields = ["status", "modified"]
    if target == Status.PUBLISHED:
        line.published_at = article.published_at
        fields.append("published_at")
    line.save(update_fields=fields)


def flag_lines_of(author=None, user=None):
    """A person is being deleted: their lines lose them and say so, nothing else is lost."""
    if author is not None:
        lines = BudgetLine.objects.filter(assignments__author=author).open()
        reason = f"Writer {author.name} was deleted: assign someone else."
        for line in lines:
            _flag(line, reason)
            if line.assignments.exclude(author=author).count() == 0 and (
                line.status == Status.ASSIGNED
            ):
                line.status = Status.IDEA
                line.save(update_fields=["status", "modified"])
    if user is not None:
        name = user.get_full_name() or user.get_username()
        for line in BudgetLine.objects.filter(editor=user).open():
            _flag(line, f"Editor {name} was deleted: choose another editor.")


def _flag(line, reason):
    line.needs_attention = (
        f"{line.needs_attention} {reason}".strip() if line.needs_attention else reason
    )[:200]
    line.save(update_fields=["needs_attention", "modified"])
