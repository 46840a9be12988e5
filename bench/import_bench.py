"""Benchmark: import a generated 10,000-post WordPress export into PostgreSQL.

    .venv/bin/python bench/import_bench.py                 # or: make bench-import
    .venv/bin/python bench/import_bench.py --posts 2000 --attachments 50

What it does, all in a temporary directory that is removed afterwards:

1. Writes a WXR 1.2 export (streamed to disk): N posts of several paragraphs each with
   links, lists, bare YouTube links, tags, nested categories, 25 authors and a mix of
   statuses (published, scheduled, draft, pending, private). With --attachments M it adds
   M pictures (1200x800 JPEGs in a generated uploads folder) that posts use in [caption]
   and [gallery] shortcodes and as featured images.
2. Drops and recreates the benchmark database (default
   postgres://postgres@127.0.0.1:5432/bench_import, or --database-url / BENCH_DATABASE_URL)
   and migrates it.
3. Runs `manage.py import_wordpress` in a child process, twice: the first import, then the
   same file again (everything "unchanged"). For each run it records the wall time and the
   child's peak resident memory (ru_maxrss from wait4, so nothing else is counted).
4. With --attachments, runs one `manage.py db_worker --batch` (exits when the queue is
   empty) to make the renditions the import enqueued, timed the same way, and checks that
   no picture is left pending.

Targets for 10,000 posts: under 60 seconds and under 300 MB. The exit status is 1 when a
target is missed or the import did not account for every post.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from serving import recreate_database  # bench/serving.py (the script's folder is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_import"
SITE = "https://bench-wordpress.example"
TARGET_SECONDS = 60
TARGET_MB = 300

WORDS = (
    "frigate corvette destroyer submarine patrol carrier brigade battalion regiment artillery "
    "howitzer drone radar sonar missile interceptor logistics procurement contract shipyard "
    "hangar airbase squadron helicopter transport tanker convoy exercise deployment readiness "
    "budget ministry parliament supplier engine turbine hull propeller armour turret sensor "
    "satellite cyber command training reserve recruitment maintenance upgrade programme trial "
    "delivery milestone prototype export partner alliance coastline harbour border airspace"
).split()
VERBS = (
    "confirmed announced delivered ordered tested launched approved delayed expanded "
    "completed reviewed deployed upgraded retired received signed"
).split()
CATEGORIES = [
    ("land", "", "Land"),
    ("artillery", "land", "Artillery"),
    ("armour", "land", "Armour"),
    ("air", "", "Air"),
    ("fighters", "air", "Fighters"),
    ("drones", "air", "Drones"),
    ("naval", "", "Naval"),
    ("submarines", "naval", "Submarines"),
    ("shipbuilding", "naval", "Shipbuilding"),
    ("industry", "", "Industry"),
    ("opinion", "", "Opinion"),
    ("uncategorized", "", "Uncategorized"),
]
SECTION_MAP = "land=Land,air=Air,naval=Naval,industry=Industry"


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def sentence(rng):
    words = rng.sample(WORDS, rng.randint(6, 12))
    words.insert(2, rng.choice(VERBS))
    return " ".join(words).capitalize() + "."


def paragraph(rng):
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))


def post_content(rng, attachment_ids):
    parts = []
    for n in range(rng.randint(4, 8)):
        text = paragraph(rng)
        if n == 1:
            text += f' <a href="{SITE}/2019/05/04/background/">Background</a> and <em>more</em>.'
        parts.append(text)
    roll = rng.random()
    if attachment_ids and roll < 0.25:
        aid = rng.choice(attachment_ids)
        parts.insert(
            2,
            f'[caption id="attachment_{aid}" align="aligncenter" width="640"]'
            f'<img class="size-large wp-image-{aid}" src="{SITE}/wp-content/uploads/'
            f'2020/01/picture-{aid}-640x427.jpg" alt="Picture {aid}" width="640" height="427" />'
            f" {sentence(rng)} (Photo: Defence Press Office)[/caption]",
        )
    elif attachment_ids and roll < 0.30:
        ids = ",".join(str(a) for a in rng.sample(attachment_ids, 3))
        parts.append(f'[gallery columns="3" ids="{ids}"]')
    elif roll < 0.40:
        parts.insert(1, f"https://www.youtube.com/watch?v=bench{rng.randint(1000, 9999)}")
    if rng.random() < 0.2:
        items = "".join(f"<li>{sentence(rng)}</li>" for _ in range(3))
        parts.append(f"<ul>\n{items}\n</ul>")
    # WordPress stores single newlines inside paragraphs too.
    return "\n\n".join(p.replace(". ", ".\n", 1) for p in parts)


def write_export(path, posts, attachments, rng):
    """Stream the WXR file to disk; returns the number of items written."""
    attachment_ids = list(range(100_001, 100_001 + attachments))
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            f"<title>Benchmark Defence News</title>\n<link>{SITE}</link>\n"
            f"<wp:wxr_version>1.2</wp:wxr_version>\n<wp:base_site_url>{SITE}</wp:base_site_url>\n"
            f"<wp:base_blog_url>{SITE}</wp:base_blog_url>\n"
        )
        for n in range(25):
            out.write(
                f"<wp:author><wp:author_id>{n + 1}</wp:author_id>"
                f"<wp:author_login>reporter{n}</wp:author_login>"
                f"<wp:author_display_name>{cdata(f'Reporter {n}')}</wp:author_display_name>"
                "</wp:author>\n"
            )
        for nicename, parent, name in CATEGORIES:
            out.write(
                f"<wp:category><wp:category_nicename>{nicename}</wp:category_nicename>"
                f"<wp:category_parent>{parent}</wp:category_parent>"
                f"<wp:cat_name>{cdata(name)}</wp:cat_name></wp:category>\n"
            )
        for aid in attachment_ids:
            out.write(
                f"<item><title>picture-{aid}</title>"
                f"<link>{SITE}/picture-{aid}/</link>"
                f"<wp:post_id>{aid}</wp:post_id><wp:post_type>attachment</wp:post_type>"
                f"<wp:status>inherit</wp:status><wp:post_parent>0</wp:post_parent>"
                f"<wp:post_name>picture-{aid}</wp:post_name>"
                f"<excerpt:encoded>{cdata(sentence(rng) + ' (Photo: Bench Agency)')}"
                "</excerpt:encoded>"
                f"<wp:attachment_url>{SITE}/wp-content/uploads/2020/01/picture-{aid}.jpg"
                "</wp:attachment_url>"
                "<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>"
                f"<wp:meta_value>{cdata(f'Picture {aid}')}</wp:meta_value></wp:postmeta>"
                "</item>\n"
            )
        statuses = ["publish"] * 90 + ["future"] * 3 + ["draft"] * 4 + ["pending"] * 2
        statuses += ["private"]
        for n in range(1, posts + 1):
            status = rng.choice(statuses)
            year = 2031 if status == "future" else rng.randint(2010, 2024)
            date = (
                f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} "
                f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00"
            )
            title = f"{sentence(rng)[:-1]} {n}"
            name = "-".join(title.lower().split()[:6]) + f"-{n}"
            categories = rng.sample(CATEGORIES, rng.randint(1, 2))
            tags = rng.sample(range(300), rng.randint(1, 5))
            terms = "".join(
                f'<category domain="category" nicename="{c[0]}">{cdata(c[2])}</category>'
                for c in categories
            ) + "".join(
                f'<category domain="post_tag" nicename="topic-{t}">{cdata(f"Topic {t}")}</category>'
                for t in tags
            )
            meta = ""
            if attachment_ids and rng.random() < 0.3:
                meta = (
                    "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
                    f"<wp:meta_value>{rng.choice(attachment_ids)}</wp:meta_value></wp:postmeta>"
                )
            out.write(
                f"<item><title>{cdata(title)}</title>"
                f"<link>{SITE}/{date[:10].replace('-', '/')}/{name}/</link>"
                f"<dc:creator>reporter{rng.randrange(25)}</dc:creator>"
                f'<guid isPermaLink="false">{SITE}/?p={n}</guid>'
                f"<content:encoded>{cdata(post_content(rng, attachment_ids))}</content:encoded>"
                f"<excerpt:encoded>{cdata(sentence(rng) if rng.random() < 0.5 else '')}"
                "</excerpt:encoded>"
                f"<wp:post_id>{n}</wp:post_id><wp:post_date>{date}</wp:post_date>"
                f"<wp:post_date_gmt>{date}</wp:post_date_gmt><wp:post_name>{name}</wp:post_name>"
                f"<wp:status>{status}</wp:status><wp:post_parent>0</wp:post_parent>"
                "<wp:menu_order>0</wp:menu_order><wp:post_type>post</wp:post_type>"
                "<wp:post_password></wp:post_password>"
                f"<wp:is_sticky>{1 if n % 997 == 0 else 0}</wp:is_sticky>"
                f"{terms}{meta}</item>\n"
            )
        out.write("</channel>\n</rss>\n")
    return posts + attachments


def write_media(root, attachments):
    from PIL import Image

    folder = root / "2020" / "01"
    folder.mkdir(parents=True)
    for n, aid in enumerate(range(100_001, 100_001 + attachments)):
        color = (40 + n % 180, 80, 200 - n % 150)
        Image.new("RGB", (1200, 800), color).save(folder / f"picture-{aid}.jpg", "JPEG")


def run_child(args, env, log):
    """Run a child process; return (seconds, peak RSS in MB, CPU seconds, exit status)."""
    started = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, proc.returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument(
        "--attachments",
        type=int,
        default=0,
        help="Pictures in the export (their renditions are enqueued, then made by one worker "
        "pass that is timed too; default 0).",
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--json", action="store_true", help="Print the results as JSON.")
    options = parser.parse_args()

    rng = random.Random(20241125)  # noqa: S311 — reproducible data, not security
    with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
        tmp = Path(tmp)
        export = tmp / "export.xml"
        started = time.perf_counter()
        write_export(export, options.posts, options.attachments, rng)
        write_media(tmp / "uploads", options.attachments)
        generated = time.perf_counter() - started
        size_mb = export.stat().st_size / 1024 / 1024
        print(
            f"Generated {options.posts} posts and {options.attachments} attachments "
            f"({size_mb:.1f} MB) in {generated:.1f} s",
            file=sys.stderr,
        )

        recreate_database(options.database_url)
        env = {
            **os.environ,
            "DATABASE_URL": options.database_url,
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
            "PUBLISHER_ADDRESS": "1 Bench Street, Example Town",
            "MEDIA_ROOT": str(tmp / "media"),
            "LOG_LEVEL": "WARNING",
        }
        python = sys.executable
        seconds, _, _, status = run_child(
            [python, "manage.py", "migrate", "--no-input"], env, tmp / "migrate.log"
        )
        if status:
            sys.exit("migrate failed:\n" + (tmp / "migrate.log").read_text())
        command = [
            python,
            "manage.py",
            "import_wordpress",
            str(export),
            "--media-dir",
            str(tmp / "uploads"),
            "--section-map",
            SECTION_MAP,
            "--default-section",
            "News",
        ]
        results = {"posts": options.posts, "attachments": options.attachments}
        results["export_mb"] = round(size_mb, 1)
        ok = True
        for run in ("first", "second"):
            log = tmp / f"import-{run}.log"
            seconds, peak_mb, cpu, status = run_child(command, env, log)
            report = log.read_text()
            if status:
                sys.exit(f"import failed:\n{report}")
            posts_line = next(line for line in report.splitlines() if line.startswith("posts "))
            counts = [int(n) for n in posts_line.split()[1:]]
            results[run] = {
                "seconds": round(seconds, 1),
                "python_cpu_seconds": round(cpu, 1),
                "load_average_after": round(os.getloadavg()[0], 1),
                "peak_rss_mb": round(peak_mb, 1),
                "posts": dict(
                    zip(
                        ("created", "updated", "unchanged", "skipped", "failed", "missing", "kept"),
                        counts,
                        strict=True,
                    )
                ),
            }
            accounted = sum(counts[:5]) == options.posts and counts[4] == 0
            expected = 0 if run == "first" else 2
            ok &= accounted and counts[expected] == options.posts
            ok &= seconds < TARGET_SECONDS and peak_mb < TARGET_MB
            print(
                f"{run} import: {seconds:.1f} s (importer CPU {cpu:.1f} s, load average "
                f"{os.getloadavg()[0]:.1f}), peak RSS {peak_mb:.0f} MB, posts {counts[:5]}",
                file=sys.stderr,
            )
        if options.attachments:
            # The import stored originals and enqueued their renditions: one worker pass
            # (`db_worker --batch`, as `make run` starts it, but exiting when done).
            log = tmp / "worker.log"
            worker = [python, "manage.py", "db_worker", "--batch", "--no-startup-delay"]
            seconds, peak_mb, cpu, status = run_child(worker, env, log)
            if status:
                sys.exit("db_worker failed:\n" + log.read_text())
            count = (
                "from media.models import Image;"
                "print(Image.objects.filter(rendition_names={}).count(), Image.objects.count())"
            )
            check = tmp / "pending.log"
            run_child([python, "manage.py", "shell", "-c", count], env, check)
            pending, pictures = (int(n) for n in check.read_text().split()[-2:])
            results["renditions"] = {
                "seconds": round(seconds, 1),
                "python_cpu_seconds": round(cpu, 1),
                "load_average_after": round(os.getloadavg()[0], 1),
                "peak_rss_mb": round(peak_mb, 1),
                "pictures": pictures,
                "still_pending": pending,
            }
            ok &= pending == 0
            print(
                f"renditions (one db_worker): {seconds:.1f} s (CPU {cpu:.1f} s, load average "
                f"{os.getloadavg()[0]:.1f}), peak RSS {peak_mb:.0f} MB, {pictures - pending} of "
                f"{pictures} pictures done",
                file=sys.stderr,
            )
    if options.json:
        print(json.dumps(results, indent=2))
    else:
        print(
            f"{options.posts} posts: first import {results['first']['seconds']} s / "
            f"{results['first']['peak_rss_mb']} MB; second run {results['second']['seconds']} s "
            f"/ {results['second']['peak_rss_mb']} MB (targets {TARGET_SECONDS} s, {TARGET_MB} MB)"
        )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
