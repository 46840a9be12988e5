"""The content version kept in PostgreSQL (core/content_state.py): a sequence, so a change
reaches every process's caches even when the shared cache could not be told of it."""

from django.db import migrations

from core.content_state import VERSION_SEQUENCE


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.RunSQL(
            f"CREATE SEQUENCE IF NOT EXISTS {VERSION_SEQUENCE}",
            f"DROP SEQUENCE IF EXISTS {VERSION_SEQUENCE}",
        ),
    ]
