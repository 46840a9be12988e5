"""What a change in the articles app makes stale (core.content_state tags, issue 27).

An article is shown on its own page (`article:<pk>`) and in listings: the front page
(`front`), its section's (`section:<pk>`), its tags' (`tag:<pk>`) and its authors' pages
(`author:<pk>`), the feeds (`feeds`), sitemaps (`sitemaps`) and search (`search`); teasers
elsewhere (related articles) show `article:<pk>` too, and every teaser its section's label
(`section-label:<pk>`), kept per article (articles.teasers). A section is in the navigation every
page carries (`nav`), and so is an article that is the first published in its section, or
the last (the navigation lists the sections with something published). Registered from
ArticlesConfig.ready(); the views say what each page shows (core.pagecache.shows).
"""

from django.db.models.signals import pre_delete, pre_save

from core.content_state import content_state

from .models import Article, ArticleAuthor, Section, TaggedArticle

LISTINGS = ("front", "feeds", "sitemaps", "search")


def article_tags(pk, section_id=None):
    """The tags an article is shown under: its page and every listing it is in."""
    return articles_tags([pk], None if section_id is None else [section_id])


def articles_tags(pks, sections=None):
    """The tags the articles `pks` (a list, or a query of their ids) are shown under: their
    pages and every listing they are in, in three queries however many (two when their
    `sections` ids are given)."""
    if sections is None:
        sections = Article.objects.filter(pk__in=pks).values_list("section_id", flat=True)
    authors = ArticleAuthor.objects.filter(article_id__in=pks).values_list("author_id", flat=True)
    tags = TaggedArticle.objects.filter(content_object_id__in=pks).values_list("tag_id", flat=True)
    return {
        *LISTINGS,
        *(f"article:{pk}" for pk in pks),
        *(f"section:{pk}" for pk in set(sections) if pk),
        *(f"author:{pk}" for pk in set(authors)),
        *(f"tag:{pk}" for pk in set(tags)),
    }


def _navigation():
    """The sections the navigation lists (those with something published): one query."""
    return frozenset(Section.objects.in_navigation().values_list("pk", flat=True))


def _before_change(sender, instance, **kwargs):
    """Read before an article is saved or deleted: the section it may be moved out of
    (which loses it too) and the sections the navigation lists (every page shows them)."""
    section = None
    if instance.pk is not None:
        before = Article.objects.filter(pk=instance.pk).values_list("section_id", flat=True)
        section = before.first()
    instance._cache_before = (section, _navigation())


def _article(instance, kwargs):
    tags = article_tags(instance.pk, instance.section_id)
    section, navigation = instance.__dict__.pop("_cache_before", (None, None))
    if section:
        tags.add(f"section:{section}")
    if navigation is None or navigation != _navigation():  # a section came or went
        tags.add("nav")
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
    return {f"tag:{instance.pk}", *articles_tags(list(pks))}


def _byline(instance, kwargs):
    return article_tags(instance.article_id) | {f"author:{instance.author_id}"}


def _correction(instance, kwargs):
    return article_tags(instance.article_id) | {"corrections"}


def _section(instance, kwargs):
    """A section's page, the navigation, the listings, and its articles' teasers (they show
    its name and address: `section-label`, articles.teasers)."""
    return {"nav", f"section:{instance.pk}", f"section-label:{instance.pk}", *LISTINGS}


def _tag(instance, kwargs):
    """A renamed tag: its page and the pages of the articles that show it."""
    articles = TaggedArticle.objects.filter(tag_id=instance.pk)
    pks = articles.values_list("content_object_id", flat=True)
    return {f"tag:{instance.pk}", *LISTINGS, *(f"article:{pk}" for pk in pks)}


def _author(instance, kwargs):
    """A renamed author (or a new address): the pages of the articles whose bylines show
    them, and the listings whose teasers do (articles.teasers): those articles' sections,
    tags and authors' pages (four queries, however many articles)."""
    articles = ArticleAuthor.objects.filter(author_id=instance.pk)
    return {f"author:{instance.pk}", *articles_tags(articles.values_list("article_id", flat=True))}


def connect():
    pre_save.connect(_before_change, sender=Article, dispatch_uid="cache_tags_article_save")
    pre_delete.connect(_before_change, sender=Article, dispatch_uid="cache_tags_article_delete")
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
