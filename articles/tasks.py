"""The articles' background work: review hand-offs."""

from core.tasks import retrying_task


@retrying_task(attempts=5, backoff=60)
def notify_review(article_pk, submitter_pk):
    """Tell the editors an article was submitted for review (articles.review)."""
    from .review import notify_editors

    notify_editors(article_pk, submitter_pk)
