"""Article.body_passages and Article.passage_vectors (articles/search_columns.py): the
body cut into the passages a search result's snippet is taken from, and each passage's
search vector, stored by PostgreSQL on every write.

How a body is cut, in SQL so the columns need no application code: figures (picture,
caption, credit), credit spans and paragraphs that are only a credit ("Photo: Royal
Navy") go; the rest is split after each closing paragraph, list item, heading, quotation,
preformatted block, table cell or definition; markup goes; empty passages go.
PostgreSQL's regular expressions take their greediness from the first quantifier, so
".*?" makes each removal stop at the first closing tag. Each function is written out whole
(no function calls another), so that it works whatever the session's search_path (a
restore sets it empty while it recomputes the columns). Adding the columns rewrites the
table once.
"""

import django.contrib.postgres.fields
import django.contrib.postgres.search
from django.db import migrations, models

PASSAGES = r"""
SELECT {aggregate}
FROM (
    SELECT btrim(regexp_replace(chunk, '<[^>]*>', ' ', 'g'), E' \t\n\r\f') AS passage, n
    FROM regexp_split_to_table(
        regexp_replace(regexp_replace(regexp_replace(body,
            '<figure[ >].*?</figure>', ' ', 'gi'),
            '<(p|span|figcaption) class="credit">.*?</\1>', ' ', 'gi'),
            '<p>\s*\(?\s*(photo(graph)?s?|images?|pictures?|credits?|source|supplied)'
            '(\s+(by|credit))?\s*[:©][^<]{{0,150}}</p>', ' ', 'gi'),
        '</(p|li|h[1-6]|blockquote|pre|td|th|dd|dt)>', 'i'
    ) WITH ORDINALITY AS chunks(chunk, n)
) AS passages
WHERE passage <> ''
"""

FUNCTION = """
CREATE FUNCTION {name}(body text) RETURNS {returns}
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $function$ {select} $function$
"""

CREATE = [
    FUNCTION.format(
        name="article_passages",
        returns="text[]",
        select=PASSAGES.format(aggregate="coalesce(array_agg(passage ORDER BY n), '{}')"),
    ),
    FUNCTION.format(
        name="article_passage_vectors",
        returns="tsvector[]",
        select=PASSAGES.format(
            aggregate=(
                "coalesce(array_agg(to_tsvector('english'::regconfig, passage) ORDER BY n), '{}')"
            )
        ),
    ),
]
DROP = [
    "DROP FUNCTION article_passage_vectors(text)",
    "DROP FUNCTION article_passages(text)",
]


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0018_teaser_bylines"),
    ]

    operations = [
        migrations.RunSQL(CREATE, DROP),
        migrations.AddField(
            model_name="article",
            name="body_passages",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Func(
                    models.F("body"),
                    function="article_passages",
                    output_field=django.contrib.postgres.fields.ArrayField(
                        base_field=models.TextField(), size=None
                    ),
                ),
                output_field=django.contrib.postgres.fields.ArrayField(
                    base_field=models.TextField(), size=None
                ),
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="passage_vectors",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Func(
                    models.F("body"),
                    function="article_passage_vectors",
                    output_field=django.contrib.postgres.fields.ArrayField(
                        base_field=django.contrib.postgres.search.SearchVectorField(), size=None
                    ),
                ),
                output_field=django.contrib.postgres.fields.ArrayField(
                    base_field=django.contrib.postgres.search.SearchVectorField(), size=None
                ),
            ),
        ),
    ]
