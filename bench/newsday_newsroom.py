"""The newsroom of bench/newsday_bench.py, in a child process with Django set up on the
archive it is given (DATABASE_URL and the rest in its environment):

    python bench/newsday_newsroom.py prepare --tail 2000
    python bench/newsday_newsroom.py newsroom --base-url URL --live-id ID --live-path PATH \\
        --duration SECONDS

`prepare` makes the newest article a live blog and answers the paths of the readers' mix;
`newsroom` posts through the admin's own views on the schedule below, and answers how long
each change took to show to an anonymous reader. Each answers one line, `RESULT <json>`.
"""

import argparse
import json
import os
import secrets
import sys
import threading
import time
from pathlib import Path
from urllib.request import urlopen

LIVE_EVERY, PUBLISH_EVERY = 15, 60  # seconds
FIRST_LIVE, FIRST_PUBLISH = 3, 8  # seconds into a run: every run has both kinds
POLL_SECONDS, VISIBLE_TIMEOUT = 0.2, 60
EDITOR = "bench-newsroom"


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "defenceblog.settings")
    import django

    django.setup()


def editor_client():
    """Django's test client signed in as an editor who may post and publish."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(
        username=EDITOR, defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    return client, user


def post_live_update(client, article_id, headline):
    """What an editor's "Post update" on the article's admin page sends."""
    from django.urls import reverse

    response = client.post(
        reverse("admin:liveblog_liveupdate_post", args=[article_id]),
        {"live-headline": headline, "live-body": f"<p>{headline}: the newsroom reports.</p>"},
    )
    assert response.status_code == 302, (response.status_code, response.content[:2000])


def publish_article(client, user, title):
    """An article saved as a draft, then published with the article list's action."""
    from django.urls import reverse
    from django.utils.text import slugify

    from articles.models import Article, ArticleAuthor, Section
    from authors.models import Author
    from media.models import Image

    article = Article.objects.create(
        title=title,
        slug=slugify(title),
        standfirst=f"{title}: what happened and what comes next.",
        body=f"<p>{title}. The newsroom's story, published while readers arrive.</p>",
        section=Section.objects.order_by("order", "pk").first(),
        lead_image=Image.objects.order_by("pk").first(),
        status=Article.Status.DRAFT,
        created_by=user,
    )
    ArticleAuthor.objects.create(article=article, author=Author.objects.order_by("pk").first())
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [article.pk]},
    )
    assert response.status_code == 302, (response.status_code, response.content[:2000])
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED, article.status


def prepare(tail):
    """Make the newest article a live blog with a few updates (once); answer the paths of
    the mix: front, sections, live blog, the `tail` newest other articles, newest first."""
    from django.utils import timezone

    from articles.context_processors import navigation_sections
    from articles.models import Article
    from liveblog.models import LiveBlog

    client, user = editor_client()
    published = Article.objects.published().order_by("-published_at", "-pk")
    blog = LiveBlog.objects.filter(coverage_end__isnull=True).first()
    if blog is None or blog.article_id not in published.values_list("pk", flat=True)[:50]:
        newest = published.first()
        blog = LiveBlog.objects.create(
            article=newest, coverage_start=timezone.now(), created_by=user
        )
        for n in range(5):
            post_live_update(client, newest.pk, f"Opening update {n + 1}")
    articles = published.exclude(pk=blog.article_id).only("slug", "published_at")[:tail]
    return {
        "front": ["/"],
        "section": [section.get_absolute_url() for section in navigation_sections()],
        "live": [blog.article.get_absolute_url()],
        "article": [article.get_absolute_url() for article in articles],
        "live_id": blog.article_id,
    }


def visible_after(url, token, committed):
    """Seconds from `committed` (time.time()) until an anonymous reader's copy of `url`
    shows `token`; None if not within VISIBLE_TIMEOUT."""
    while time.time() - committed < VISIBLE_TIMEOUT:
        try:
            if token in urlopen(url, timeout=10).read().decode():  # noqa: S310 (127.0.0.1)
                return time.time() - committed
        except OSError:
            pass
        time.sleep(POLL_SECONDS)
    return None


def newsroom(base_url, live_id, live_path, seconds):
    """Post and publish on the schedule for `seconds`; the delay of each change."""
    client, user = editor_client()
    client.get("/admin/")  # the admin's modules loaded before the first save is timed
    run = secrets.token_hex(3)
    plan = sorted(
        [(at, "live update") for at in range(FIRST_LIVE, seconds, LIVE_EVERY)]
        + [(at, "article") for at in range(FIRST_PUBLISH, seconds, PUBLISH_EVERY)]
    )
    started, results, pollers = time.monotonic(), [], []
    for n, (at, kind) in enumerate(plan):
        time.sleep(max(0, at - (time.monotonic() - started)))
        token = f"Newsday {run} {kind} {n}"
        before = time.perf_counter()
        if kind == "live update":
            post_live_update(client, live_id, token)
            page = live_path
        else:
            publish_article(client, user, token)
            page = "/"
        committed, save_ms = time.time(), (time.perf_counter() - before) * 1000
        entry = {"kind": kind, "at": at, "save_ms": save_ms}
        results.append(entry)

        def watch(entry=entry, page=page, token=token, committed=committed):
            entry["visible_s"] = visible_after(base_url + page, token, committed)

        poller = threading.Thread(target=watch)
        poller.start()
        pollers.append(poller)
    for poller in pollers:
        poller.join()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("child", choices=("prepare", "newsroom"))
    parser.add_argument("--tail", type=int, default=2_000)
    parser.add_argument("--base-url")
    parser.add_argument("--live-id", type=int)
    parser.add_argument("--live-path")
    parser.add_argument("--duration", type=int, default=30)
    args = parser.parse_args()
    setup_django()
    if args.child == "prepare":
        answer = prepare(args.tail)
    else:
        answer = newsroom(args.base_url, args.live_id, args.live_path, args.duration)
    print("RESULT " + json.dumps(answer), flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project's apps
    main()
