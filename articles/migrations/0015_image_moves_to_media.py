"""The media library's Image and TaggedImage moved to the media app (media 0001). In state
only: the article's lead image points at media.Image, and the articles app's models are
forgotten. The tables stay as they are (`articles_image`, `articles_taggedimage`, now the
media models' `db_table`), with their rows, and so does the lead image's foreign key:
`sqlmigrate articles 0015` prints no SQL."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0014_merge_0013_edit_sessions_0013_import_fingerprint'),
        ('media', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='article',
                    name='lead_image',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='lead_for', to='media.image'),
                ),
                migrations.RemoveField(
                    model_name='image',
                    name='tags',
                ),
                migrations.RemoveField(
                    model_name='taggedimage',
                    name='content_object',
                ),
                migrations.DeleteModel(
                    name='TaggedImage',
                ),
                migrations.DeleteModel(
                    name='Image',
                ),
            ],
            database_operations=[],
        ),
    ]
