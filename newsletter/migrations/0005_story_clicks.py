"""Clicks per story of a sent edition, counted in aggregate (newsletter/clicks.py), and
who may see them: the Editor group (view_storyclicks), like the Audience screens; other
roles get nothing. get_or_create and permissions.add only, as in 0002."""

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models


def grant_editors(apps, schema_editor=None):
    app_config = apps.get_app_config("newsletter")
    had_models = getattr(app_config, "models_module", None)
    app_config.models_module = had_models or True  # historical apps have no module
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = had_models

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Editor")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="newsletter", codename="view_storyclicks"
        )
    )


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0014_merge_0013_edit_sessions_0013_import_fingerprint'),
        ('newsletter', '0004_subscriber_mailbox'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.CreateModel(
            name='StoryClicks',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(help_text='Its place in the e-mail: 1 leads.')),
                ('clicks', models.PositiveIntegerField(default=0)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='articles.article')),
                ('edition', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='story_clicks', to='newsletter.edition')),
            ],
            options={
                'verbose_name': 'story clicks',
                'verbose_name_plural': 'story clicks',
                'ordering': ['edition', 'position'],
                'constraints': [models.UniqueConstraint(fields=('edition', 'position'), name='newsletter_storyclicks_once')],
            },
        ),
        migrations.RunPython(grant_editors, migrations.RunPython.noop),
    ]
