"""Keep `Article.search_names` (tag and author names for full-text search) current, and
keep a last revision of an article that is deleted.

Connected in ArticlesConfig.ready(). Every search-names handler ends in one call to
articles.search_names.refresh_search_names, a single UPDATE; bylines and author renames
(or new addresses) rewrite the teasers' `teaser_bylines` the same way
(articles.teasers.refresh_teaser_bylines).
"""

import reversion
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_delete
from django.dispatch import receiver
from taggit.models import Tag

from authors.models import Author

from .models import Article, ArticleAuthor, TaggedArticle
from .search_names import refresh_search_names
from .teasers import refresh_teaser_bylines


@receiver(m2m_changed, sender=TaggedArticle, dispatch_uid="search_names_tags_changed")
def tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        refresh_search_names([instance.pk])
    elif pk_set:
        refresh_search_names(list(pk_set))


@receiver(post_save, sender=ArticleAuthor, dispatch_uid="search_names_byline_saved")
@receiver(post_delete, sender=ArticleAuthor, dispatch_uid="search_names_byline_deleted")
def byline_changed(sender, instance, **kwargs):
    refresh_search_names([instance.article_id])
    refresh_teaser_bylines([instance.article_id])


# Renames: remember the name an instance was loaded with (without loading a deferred field)
# and refresh the articles that carry it only when it changes.
@receiver(post_init, sender=Author, dispatch_uid="search_names_author_loaded")
@receiver(post_init, sender=Tag, dispatch_uid="search_names_tag_loaded")
def remember_name(sender, instance, **kwargs):
    instance._indexed_name = instance.__dict__.get("name")
    if sender is Author:
        instance._teaser_slug = instance.__dict__.get("slug")


@receiver(post_save, sender=Author, dispatch_uid="search_names_author_saved")
def author_saved(sender, instance, created, **kwargs):
    articles = Article.objects.filter(bylines__author=instance).values("pk").distinct()
    renamed = instance.name != instance._indexed_name
    if not created and renamed:
        refresh_search_names(articles)
    if not created and (renamed or instance.slug != instance._teaser_slug):
        refresh_teaser_bylines(articles)  # the teasers' byline: its name and link
    instance._indexed_name, instance._teaser_slug = instance.name, instance.slug


@receiver(post_save, sender=Tag, dispatch_uid="search_names_tag_saved")
def tag_saved(sender, instance, created, **kwargs):
    if not created and instance.name != instance._indexed_name:
        refresh_search_names(Article.objects.filter(tagged_items__tag=instance).values("pk"))
    instance._indexed_name = instance.name


@receiver(pre_delete, sender=Tag, dispatch_uid="search_names_tag_deleting")
def tag_deleting(sender, instance, **kwargs):
    instance._tagged_article_ids = list(
        TaggedArticle.objects.filter(tag=instance).values_list("content_object_id", flat=True)
    )


@receiver(post_delete, sender=Tag, dispatch_uid="search_names_tag_deleted")
def tag_deleted(sender, instance, **kwargs):
    if getattr(instance, "_tagged_article_ids", None):
        refresh_search_names(instance._tagged_article_ids)


@receiver(pre_delete, sender=Article, dispatch_uid="revision_before_delete")
def keep_last_revision(sender, instance, **kwargs):
    """Deleting an article (superusers only, in the admin) keeps one last revision of it with
    its bylines, tags, corrections and old addresses, so "Recover deleted articles" brings
    all of them back: nothing is lost by a delete."""
    if not reversion.is_registered(Article):
        return
    with reversion.create_revision():
        reversion.set_comment("Deleted. Recovering this revision brings back its corrections.")
        reversion.add_to_revision(instance)
        for related in (*instance.corrections.all(), *instance.redirects.all()):
            reversion.add_to_revision(related)
