"""Article.teaser_bylines: the byline as listings' teasers show it ([[author slug, name],
...] in byline order), filled for the rows that exist. The same value as
articles.teasers.refresh_teaser_bylines, written in SQL so the migration does not depend
on application code."""

from django.db import migrations, models

FILL = """
UPDATE articles_article AS a
SET teaser_bylines = coalesce((
    SELECT jsonb_agg(jsonb_build_array(au.slug, au.name) ORDER BY aa.position, aa.id)
    FROM articles_articleauthor AS aa JOIN authors_author AS au ON au.id = aa.author_id
    WHERE aa.article_id = a.id
), '[]'::jsonb)
WHERE EXISTS (SELECT 1 FROM articles_articleauthor AS aa WHERE aa.article_id = a.id)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0017_merge_image_move_and_newsroom_zone"),
        ("authors", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="teaser_bylines",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.RunSQL(FILL, reverse_sql=migrations.RunSQL.noop, elidable=True),
    ]
