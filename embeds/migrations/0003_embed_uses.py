"""Which articles use which embeds (for the admin's draft rule), filled in from every
article's body as it is now; saves keep it current from here on (embeds.signals)."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    from embeds.body import embed_links  # a pure function of the HTML

    Article = apps.get_model("articles", "Article")
    EmbedUse = apps.get_model("embeds", "EmbedUse")
    batch = []
    for pk, body in Article.objects.values_list("pk", "body").iterator(chunk_size=500):
        batch += [EmbedUse(article_id=pk, url=url) for url in embed_links(body)]
        if len(batch) >= 1000:
            EmbedUse.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    EmbedUse.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0012_listing_keys_on_links'),
        ('embeds', '0002_editors_see_embeds'),
    ]

    operations = [
        migrations.CreateModel(
            name='EmbedUse',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('url', models.URLField(max_length=500, verbose_name='address')),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='articles.article')),
            ],
            options={
                'ordering': ['article', 'url'],
                'indexes': [models.Index(fields=['url'], name='embeds_use_url')],
                'constraints': [models.UniqueConstraint(fields=('article', 'url'), name='embeds_use_one_per_article')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
