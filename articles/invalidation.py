"""What a change in the articles app makes stale (core.content_state tags, issue 27).

An article is shown on its own page (`article:<pk>`) and in listings: the front page
(`front`), its section's (`section:<pk>`), its tags' (`tag:<pk>`) and its authors' pages
(`author:<pk>`), the feeds (`feeds`), sitemaps (`sitemaps`) and search (`search`); teasers
elsewhere (related articles) show `article:<pk>` too. A section is in the navigation every
page carries (`nav`). Registered from ArticlesConfig.ready(); the views say what each page
shows (core.pagecache.shows).
"""

from django.db.models.signals import pre_save

from core.content_state import content_state

from .models import Article, ArticleAuthor, TaggedArticle

LISTINGS = ("front", "feeds", "sitemaps", "search")


def article_tags(pk, section_id=None):
    """The tags an article is shown under: its page and every listing it is in (two
    queries: its authors and its tags; one more when its section is not given)."""
    if section_id is None:
        section_id = Article.objects.filter(pk=pk).values_list("section_id", flat=True).first()
    authors = ArticleAuthor.objects.filter(article_id=pk).values_list("author_id", flat=True)
    tags = TaggedArticle.objects.filter(content_object_id=pk).values_list("tag_id", flat=True)
    return {
        f"article:{pk}",
        *LISTINGS,
        *(f"section:{section_id}" for _ in [0] if section_id),
        *(f"author:{author}" for author in authors),
        *(f"tag:{tag}" for tag in tags),
    }


def _before_save(sender, instance, **kwargs):
    """The section an article is moved out of loses it too: read before the save."""
    if instance.pk is not None:
        before = Article.objects.filter(pk=instance.pk).values_list("section_id", flat=True)
        instance._section_before = before.first()


def _article(instance, kwargs):
    tags = article_tags(instance.pk, instance.section_id)
    before = instance.__dict__.pop("_section_before", None)
    if before:
        tags.add(f"section:{before}")
    return tags


def _tagging(instance, kwargs):
    """Tags added to or removed from articles (taggit's m2m_changed, either side), or one
    TaggedArticle row saved or deleted."""
    if isinstance(instance, TaggedArticle):
        return article_tags(instance.content_object_id) | {f"tag:{instance.tag_id}"}
    if not kwargs.get("action", "").startswith("post_"):
        return set()
    pks = kwargs.get("pk_set") or ()
    if isinstance(instance, Article):
        return article_tags(instance.pk, instance.section_id) | {f"tag:{pk}" for pk in pks}
    tags = {f"tag:{instance.pk}", *LISTINGS}
    for pk in pks:
        tags |= article_tags(pk)
    return tags


def _byline(instance, kwargs):
    return article_tags(instance.article_id) | {f"author:{instance.author_id}"}


def _correction(instance, kwargs):
    return article_tags(instance.article_id) | {"corrections"}


def _section(instance, kwargs):
    return {"nav", f"section:{instance.pk}", *LISTINGS}


def _tag(instance, kwargs):
    """A renamed tag: its page and the pages of the articles that show it."""
    articles = TaggedArticle.objects.filter(tag_id=instance.pk)
    pks = articles.values_list("content_object_id", flat=True)
    return {f"tag:{instance.pk}", *LISTINGS, *(f"article:{pk}" for pk in pks)}


def _author(instance, kwargs):
    """A renamed author: the pages of the articles whose bylines show them."""
    pks = ArticleAuthor.objects.filter(author_id=instance.pk).values_list("article_id", flat=True)
    return {*LISTINGS, *(f"article:{pk}" for pk in pks)}


def connect():
    pre_save.connect(_before_save, sender=Article, dispatch_uid="cache_tags_article_before")
    # Articles and corrections have publication times (the schedule, ArticlesConfig).
    content_state.register_change("articles.Article", _article, schedule=True)
    content_state.register_change("articles.Correction", _correction, schedule=True)
    for label, tags_of in (
        ("articles.TaggedArticle", _tagging),
        ("articles.ArticleAuthor", _byline),
        ("articles.Section", _section),
        ("taggit.Tag", _tag),
        ("authors.Author", _author),
    ):
        content_state.register_change(label, tags_of)
