"""The article's generated search columns, stored by PostgreSQL from the row's own text on
every write, whatever wrote it (the admin, an import, a bulk load):

- `search_vector`: what full-text search matches and ranks (title A; standfirst and the
  tag and author names of `search_names` B; body C; English stemming), with a GIN index;
- `body_passages`: the body as a reader reads it, one paragraph (list item, heading,
  quotation…) per element, without figures, captions, credit lines or markup;
- `passage_vectors`: each passage's own search vector, in the same order.

A search result's snippet is the passage that matches best, highlighted on its own
(search/headlines.py): PostgreSQL then stems only that passage for each result shown,
not the whole body; the stemming, not the matching, is what a snippet costs. The SQL
functions the two passage columns call are created by migration 0019, which says how a
body is cut. Python never reads these columns: querysets leave them out (`GENERATED`).
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db.models import F, Func, GeneratedField, TextField

# The generated columns, left out of the rows querysets read (and of revisions).
GENERATED = ("search_vector", "body_passages", "passage_vectors")


def search_vector():
    return GeneratedField(
        expression=(
            SearchVector("title", weight="A", config="english")
            + SearchVector("standfirst", weight="B", config="english")
            + SearchVector("search_names", weight="B", config="english")
            + SearchVector("body", weight="C", config="english")
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )


def _from_body(function, output_field):
    return GeneratedField(
        expression=Func(F("body"), function=function, output_field=output_field),
        output_field=output_field,
        db_persist=True,
    )


def body_passages():
    return _from_body("article_passages", ArrayField(TextField()))


def passage_vectors():
    return _from_body("article_passage_vectors", ArrayField(SearchVectorField()))
