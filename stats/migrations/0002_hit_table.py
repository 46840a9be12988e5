"""The raw hits: a table partitioned by day (declarative partitioning), written and read
only by SQL (stats/ingest.py creates each day's partition and drops expired ones). No
address, no user agent, no identifier: see docs/privacy-analytics.md."""

from django.db import migrations

CREATE = """
CREATE TABLE stats_hit (
    at timestamptz NOT NULL,
    path varchar(300) NOT NULL,
    article_id bigint NULL,
    kind smallint NOT NULL,
    seconds smallint NOT NULL DEFAULT 0,
    visitor bigint NULL,
    source varchar(12) NOT NULL,
    referrer varchar(100) NOT NULL DEFAULT '',
    utm_source varchar(60) NOT NULL DEFAULT '',
    utm_medium varchar(60) NOT NULL DEFAULT '',
    utm_campaign varchar(60) NOT NULL DEFAULT ''
) PARTITION BY RANGE (at);
CREATE INDEX stats_hit_at ON stats_hit (at);
"""


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, "DROP TABLE stats_hit")]
