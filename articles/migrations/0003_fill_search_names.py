"""Fill Article.search_names (tag names, then author names in byline order) for the rows
that existed before articles.signals kept it current. The same text as
articles.search.refresh_search_names, written in SQL so the migration does not depend on
application code."""

from django.db import migrations

FILL = """
UPDATE articles_article AS a
SET search_names = btrim(
    coalesce((
        SELECT string_agg(tag.name, ' ' ORDER BY tag.name)
        FROM articles_taggedarticle AS ta JOIN taggit_tag AS tag ON tag.id = ta.tag_id
        WHERE ta.content_object_id = a.id
    ), '')
    || ' ' ||
    coalesce((
        SELECT string_agg(au.name, ' ' ORDER BY aa.position, aa.id)
        FROM articles_articleauthor AS aa JOIN authors_author AS au ON au.id = aa.author_id
        WHERE aa.article_id = a.id
    ), '')
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_schema_for_workflow_search_corrections_import"),
        ("authors", "0002_schema_for_workflow_search_corrections_import"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunSQL(FILL, reverse_sql=migrations.RunSQL.noop, elidable=True)]
