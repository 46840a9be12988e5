"""Which articles use which embeds, and which embeds a staff member sees in the admin.

The admin's list of embeds follows the draft rule of the articles: an embed shows only to
someone who may read an article that uses it (published articles for everyone, unpublished
ones as the article admin shows them: editors all, contributors their own). The rule is
the articles app's own (`settings.EMBEDS_READABLE_ARTICLES`, a dotted path to a function
`(user, articles) -> articles`); this app knows articles by their label only. Whoever may
change embeds (editors, who look them up again) sees them all.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from .body import embed_links
from .models import EmbedUse


def record(article):
    """Keep `article`'s uses equal to the embeddable links in its body (two queries, three
    when something changed)."""
    urls = set(embed_links(article.body))
    kept = set(EmbedUse.objects.filter(article=article).values_list("url", flat=True))
    if kept - urls:
        EmbedUse.objects.filter(article=article, url__in=kept - urls).delete()
    if urls - kept:
        EmbedUse.objects.bulk_create(
            [EmbedUse(article=article, url=url) for url in sorted(urls - kept)],
            ignore_conflicts=True,  # a concurrent save of the same article added it
        )


def visible_embeds(user, embeds):
    """The embeds of `embeds` this user may see in the admin (see the module docstring)."""
    if user.has_perm("embeds.change_embed"):
        return embeds
    article_model = EmbedUse._meta.get_field("article").related_model
    readable = import_string(settings.EMBEDS_READABLE_ARTICLES)
    articles = readable(user, article_model._default_manager.all())
    return embeds.filter(url__in=EmbedUse.objects.filter(article__in=articles).values("url"))
