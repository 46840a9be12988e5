"""Receivers: the article workflow moves budget lines; deleting a person flags their lines."""

from django.conf import settings
from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from articles.models import Article
from authors.models import Author

from . import budget


@receiver(post_save, sender=Article, dispatch_uid="planning_follow_article")
def article_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    budget.follow_article(instance)  # in the article's own transaction: both or neither


@receiver(pre_delete, sender=Author, dispatch_uid="planning_author_deleted")
def author_deleted(sender, instance, **kwargs):
    budget.flag_lines_of(author=instance)


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="planning_user_deleted")
def user_deleted(sender, instance, **kwargs):
    budget.flag_lines_of(user=instance)
