"""The newsroom's time zone became a setting (NEWSROOM_TIME_ZONE, Europe/London unless
set; it was UTC). Two things follow the day an article was published in that zone:

- the one-slug-per-day constraint, whose index PostgreSQL builds with the zone in force
  when it is made: made again here, in the configured zone;
- the article's address: an article published when the UTC day and the newsroom's day
  differ (near midnight) moves to its newsroom day, so its UTC address is kept as an
  ArticleRedirect (permanent redirect to the new one).

Both are no-ops where the zone is UTC."""

from datetime import UTC
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import TruncDate
from django.urls import reverse


def keep_utc_addresses(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    ArticleRedirect = apps.get_model("articles", "ArticleRedirect")
    moved = (
        Article.objects.filter(published_at__isnull=False)
        .annotate(
            utc_day=TruncDate("published_at", tzinfo=UTC),
            newsroom_day=TruncDate("published_at", tzinfo=ZoneInfo(settings.TIME_ZONE)),
        )
        .exclude(utc_day=F("newsroom_day"))
        .values_list("pk", "slug", "utc_day")
    )
    for pk, slug, day in moved.iterator():
        old_path = reverse(
            "articles:detail",
            kwargs={"year": day.year, "month": f"{day.month:02d}", "day": f"{day.day:02d}", "slug": slug},
        )
        ArticleRedirect.objects.get_or_create(old_path=old_path, defaults={"article_id": pk})


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_merge_0013_edit_sessions_0013_import_fingerprint"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="article", name="article_unique_slug_per_day"),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.UniqueConstraint(
                TruncDate("published_at"), F("slug"), name="article_unique_slug_per_day"
            ),
        ),
        migrations.RunPython(keep_utc_addresses, migrations.RunPython.noop),
    ]
