"""The spelling vocabulary moves here from the articles app: this migration only tells
Django's state that SearchTerm now belongs to `search`, on the table the articles app made
(articles/migrations/0008, still named articles_searchterm); articles 0015 drops it from
the articles app's state. No SQL: `manage.py sqlmigrate search 0001` prints none."""

import django.contrib.postgres.indexes
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0014_merge_0013_edit_sessions_0013_import_fingerprint"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SearchTerm",
                    fields=[
                        ("word", models.CharField(max_length=40, primary_key=True, serialize=False)),
                        ("documents", models.PositiveIntegerField(default=1)),
                    ],
                    options={
                        "db_table": "articles_searchterm",
                        "ordering": ["word"],
                        "indexes": [
                            django.contrib.postgres.indexes.GistIndex(
                                django.contrib.postgres.indexes.OpClass("word", name="gist_trgm_ops"),
                                name="searchterm_word_trgm_gist",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
