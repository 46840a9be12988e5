from django.contrib.postgres.indexes import GistIndex, OpClass
from django.db import models


class SearchTerm(models.Model):
    """A word published articles use, and in how many of them: the vocabulary that search
    spelling corrections are drawn from (search/spelling.py). Words are unstemmed and
    lower-cased (PostgreSQL's `simple` text search configuration), so a correction is a real
    word. Rebuilt by `manage.py refresh_search_terms`; saving a published article adds its
    new words at once (search/signals.py)."""

    word = models.CharField(max_length=40, primary_key=True)
    documents = models.PositiveIntegerField(default=1)

    class Meta:
        # The table the articles app made (it kept the vocabulary until the search app
        # took it over, search/migrations/0001): kept, so the move copied no row.
        db_table = "articles_searchterm"
        ordering = ["word"]
        indexes = [
            # Nearest words first (`word <-> 'helicoptr'`): a K-nearest-neighbour scan that
            # reads only the rows it returns, however large the vocabulary.
            GistIndex(OpClass("word", name="gist_trgm_ops"), name="searchterm_word_trgm_gist"),
        ]

    def __str__(self):
        return self.word
