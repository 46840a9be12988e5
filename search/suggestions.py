"""Titles close to a search that matched nothing ("Did you mean …?"), by trigram word
similarity on the titles (the index article_title_trgm_gin)."""

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.functions import Lower

from core.fulltext import clean_query

# Titles whose words are at least this similar to the query are offered as suggestions
# ("Did you mean …?"). pg_trgm's default, 0.6, misses two-letter typos such as "hovitzer".
SUGGESTION_THRESHOLD = 0.4
SUGGESTION_COUNT = 5


def suggest_titles(queryset, text, limit=SUGGESTION_COUNT):
    """Titles close to a query that matched nothing (typos): pg_trgm word similarity
    against lower(title), answered by the trigram index article_title_trgm_gin. Two
    queries in one transaction: the similarity threshold, then the look-up."""
    text = clean_query(text).lower()
    if len(text) < 3:
        return []
    with transaction.atomic(using=queryset.db, savepoint=False):
        set_suggestion_threshold(queryset.db)
        return list(similar_titles(queryset, text)[:limit])


def set_suggestion_threshold(using=DEFAULT_DB_ALIAS):
    """For the current transaction only (set_config's is_local): behind a transaction-
    pooling PgBouncer the next transaction may run on another server connection, where a
    session setting would be missing, and would leak to other clients. Call it inside
    transaction.atomic(using=...) on the connection the look-up uses (a replica's, for
    anonymous readers)."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [str(SUGGESTION_THRESHOLD)],
        )


def similar_titles(queryset, text):
    """Rows whose lower-cased title contains words similar to `text` (pg_trgm's %>
    operator, indexable), most similar first."""
    return (
        queryset.alias(lower_title=Lower("title"))
        .filter(lower_title__trigram_word_similar=text)
        .annotate(similarity=TrigramWordSimilarity(text, Lower("title")))
        .order_by("-similarity", "-published_at")
    )
