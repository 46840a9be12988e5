"""SearchTerm (the spelling vocabulary) now belongs to the search app
(search/migrations/0001), on the same table, articles_searchterm: the articles app only
forgets it. No SQL: `manage.py sqlmigrate articles 0015` prints none."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_merge_0013_edit_sessions_0013_import_fingerprint"),
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SearchTerm")],
            database_operations=[],
        ),
    ]
