from django.db import migrations


def create_support_page(apps, schema_editor):
    """The support page is one row that always exists: the admin edits it, never adds it."""
    SupportPage = apps.get_model("support", "SupportPage")
    SupportPage.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]

    operations = [migrations.RunPython(create_support_page, migrations.RunPython.noop)]
