"""The plain column `Article.search_names`: tag names, then author names in byline order,
which the generated search vector (`Article.search_vector`) reads, since a generated column
can read only its own row. `refresh_search_names` rewrites it whenever an article's tags or
bylines change or an author or tag is renamed (articles/signals.py), and after an import
(wordpress/importer.py).
"""

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import F, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Concat, Trim

from .models import Article, ArticleAuthor, TaggedArticle


def _names():
    tags = (
        TaggedArticle.objects.filter(content_object=OuterRef("pk"))
        .values("content_object")
        .annotate(names=StringAgg("tag__name", " ", order_by="tag__name"))
        .values("names")
    )
    authors = (
        ArticleAuthor.objects.filter(article=OuterRef("pk"))
        .values("article")
        .annotate(names=StringAgg("author__name", " ", order_by=("position", "id")))
        .values("names")
    )
    return Trim(
        Concat(
            Coalesce(Subquery(tags), Value(""), output_field=TextField()),
            Value(" "),
            Coalesce(Subquery(authors), Value(""), output_field=TextField()),
            output_field=TextField(),
        )
    )


def refresh_search_names(article_ids):
    """Rewrite `search_names` (tag names, then author names in byline order) for the given
    articles — a list of ids or a queryset of ids — in ONE UPDATE that skips rows already
    current. The generated search vector follows in the same statement. Returns the number
    of rows changed."""
    return (
        Article.objects.filter(pk__in=article_ids)
        .alias(new_names=_names())
        .filter(~Q(search_names=F("new_names")))
        .update(search_names=_names())
    )
