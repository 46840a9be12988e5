"""One author per import key (core.models.ImportKey, which Author now uses): a second
import of the same WordPress login updates the author instead of making another."""

from django.db import migrations, models
from django.db.models import Count


def refuse_duplicates(apps, schema_editor):
    """Name the duplicated keys, if any, rather than fail on an IntegrityError: merging two
    authors (and their bylines) is an editor's decision, not a migration's."""
    Author = apps.get_model("authors", "Author")
    duplicated = list(
        Author.objects.exclude(import_id="")
        .values("import_source", "import_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)[:20]
    )
    if duplicated:
        keys = ", ".join(f"{d['import_source']} {d['import_id']} ({d['n']})" for d in duplicated)
        raise RuntimeError(
            "Several authors share an import key; merge them in the admin, then migrate "
            f"again: {keys}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("authors", "0005_import_fingerprint"),
    ]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="author",
            constraint=models.UniqueConstraint(
                condition=models.Q(("import_id", ""), _negated=True),
                fields=("import_source", "import_id"),
                name="author_unique_import_key",
            ),
        ),
    ]
