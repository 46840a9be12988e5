"""The media library's models move here from the articles app, in Django's state only: the
tables keep their names (`articles_image`, `articles_taggedimage`, `Meta.db_table`), so
this migration and articles 0015 change no table: `sqlmigrate media 0001` prints no SQL."""

import core.images
import django.db.models.deletion
import taggit.managers
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        # The tables were made by the articles app's migrations.
        ('articles', '0014_merge_0013_edit_sessions_0013_import_fingerprint'),
        ('taggit', '0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Image',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('import_source', models.CharField(blank=True, default='', editable=False, max_length=200)),
                        ('import_id', models.CharField(blank=True, default='', editable=False, max_length=64)),
                        ('import_fingerprint', models.CharField(blank=True, default='', editable=False, max_length=64)),
                        ('file', core.images.CleanImageField(height_field='height', help_text='JPEG, PNG, WebP or GIF.', upload_to=core.images.RandomName('images/%Y/%m/'), width_field='width')),
                        ('width', models.PositiveIntegerField(editable=False, null=True)),
                        ('height', models.PositiveIntegerField(editable=False, null=True)),
                        ('alt_text', models.CharField(blank=True, help_text='What the picture shows, for readers who cannot see it. Required to publish as a lead image.', max_length=300)),
                        ('caption', models.CharField(blank=True, max_length=500)),
                        ('credit', models.CharField(blank=True, help_text='Who took or supplied the picture, e.g. "Supplied: BSTU". Shown after the caption wherever the image appears, lead image or inside an article.', max_length=200)),
                        ('created', models.DateTimeField(auto_now_add=True)),
                        ('rendition_names', models.JSONField(blank=True, default=dict, editable=False)),
                        ('uploaded_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'articles_image',
                        'ordering': ['-created'],
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='TaggedImage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('content_object', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tagged_items', to='media.image')),
                        ('tag', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='%(app_label)s_%(class)s_items', to='taggit.tag')),
                    ],
                    options={
                        'db_table': 'articles_taggedimage',
                    },
                ),
                migrations.AddField(
                    model_name='image',
                    name='tags',
                    field=taggit.managers.TaggableManager(blank=True, help_text='Words to find the picture by in the image chooser, separated by commas.', through='media.TaggedImage', to='taggit.Tag', verbose_name='Tags'),
                ),
                migrations.AddConstraint(
                    model_name='taggedimage',
                    constraint=models.UniqueConstraint(fields=('content_object', 'tag'), name='tagged_image_unique'),
                ),
                migrations.AddConstraint(
                    model_name='image',
                    constraint=models.UniqueConstraint(condition=models.Q(('import_id', ''), _negated=True), fields=('import_source', 'import_id'), name='image_unique_import_key'),
                ),
            ],
            database_operations=[],
        ),
    ]
