"""Build one database for the page benchmark (run by bench/pages_bench.py in a child process,
one per database, since Django is set up once per process).

    .venv/bin/python bench/pages_build.py --articles 100000 \
        --database-url postgres://postgres@127.0.0.1:5432/bench_pages_100k

It reuses the search benchmark's loader (bench/search_bench.py: articles at about 27 a day,
bylines, tags, 2% drafts, 1% scheduled), then gives the articles lead images: IMAGES
generated JPEGs saved through the media library, so each gets its eight renditions exactly
as an upload does, shared round-robin by every article. A few corrections, so
/corrections/ and the article page's corrections have something to show. A database that
already holds the requested articles and images is reused as it is.
"""

import argparse
import io
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import search_bench  # noqa: E402

IMAGES = 24
CORRECTIONS = 30


def make_jpeg(n):
    from PIL import Image as PILImage
    from PIL import ImageDraw

    picture = PILImage.new("RGB", (1600, 1000), ((n * 37) % 255, (n * 91) % 255, 120))
    draw = ImageDraw.Draw(picture)
    for k in range(12):
        draw.rectangle([k * 120, k * 70, k * 120 + 300, k * 70 + 200], outline=(255, 255, 255))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85)
    return out.getvalue()


def add_images():
    from django.core.files.base import ContentFile
    from django.db import connection

    from articles.models import Article, Correction
    from core.db import table
    from media.models import Image

    images = list(Image.objects.filter(import_source=search_bench.IMPORT_SOURCE).order_by("pk"))
    for n in range(len(images), IMAGES):
        image = Image(
            alt_text=f"Benchmark picture {n}",
            caption=f"Picture {n}",
            credit="Bench",
            import_source=search_bench.IMPORT_SOURCE,
            import_id=str(n),
        )
        image.file.save(f"bench-{n}.jpg", ContentFile(make_jpeg(n)), save=False)
        image.save()  # renditions are made here, as for an upload
        images.append(image)
    for image in images:  # databases built before names were stored on the row
        if not image.rendition_names:
            Image.objects.filter(pk=image.pk).update(rendition_names=image.make_rendition_names())
    ids = [image.pk for image in images]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table(Article)} SET lead_image_id = (%s::bigint[])[id %% %s + 1] "  # noqa: S608
            "WHERE lead_image_id IS NULL",
            [ids, len(ids)],
        )
        cursor.execute(f"VACUUM ANALYZE {table(Article)}")
    if not Correction.objects.exists():
        newest = Article.objects.published().order_by("-published_at")[:CORRECTIONS]
        for n, article in enumerate(newest):
            Correction.objects.create(
                article=article,
                text=f"An earlier version of this article gave the wrong figure ({n}).",
                published_at=article.published_at,
            )
    print(f"{len(ids)} images with renditions on every article; corrections in place.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    search_bench.ensure_database(args.database_url, args.rebuild)
    search_bench.setup_django(args.database_url)
    from articles.models import Article

    loaded = Article.objects.filter(import_source=search_bench.IMPORT_SOURCE).count()
    if loaded != args.articles:
        search_bench.load(args.articles, seed=20261125)
    else:
        print(f"Reusing {loaded:,} generated articles.")
    add_images()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("MEDIA_ROOT", str(Path(__file__).resolve().parents[1] / "var" / "bench"))
    sys.exit(main())
