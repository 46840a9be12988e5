"""Schema.org for a live blog: the article's NewsArticle description as a
`LiveBlogPosting`, with its coverage times and its newest updates as `liveBlogUpdate`
(BlogPosting) entries. Reads only what the page's timeline already holds."""

from html import unescape

from django.utils.html import strip_tags

from articles import structured_data as articles
from authors.structured_data import person


def live_blog_posting(article, corrections, publisher, timeline):
    data = articles.news_article(article, corrections, publisher)
    data["@type"] = "LiveBlogPosting"
    data["@id"] = data["url"] + "#live"
    coverage = timeline.coverage
    data["coverageStartTime"] = coverage.start.isoformat()
    if coverage.end:
        data["coverageEndTime"] = coverage.end.isoformat()
    shown = sorted(
        {u.pk: u for u in timeline.pinned + timeline.updates}.values(),
        key=lambda u: (u.published_at, u.pk),
        reverse=True,
    )
    if shown:
        data["dateModified"] = max(data.get("dateModified", ""), shown[0].published_at.isoformat())
    data["liveBlogUpdate"] = [update_posting(update, data["url"]) for update in shown]
    return data


def update_posting(update, page_url):
    """One update as a BlogPosting; `page_url` is the live blog's absolute address."""
    text = " ".join(unescape(strip_tags(update.body)).split())
    data = {
        "@type": "BlogPosting",
        "@id": f"{page_url}#{update.anchor}",
        "url": f"{page_url}#{update.anchor}",
        "headline": (update.headline or update.summary)[:110],
        "datePublished": update.published_at.isoformat(),
        "dateModified": max(update.published_at, update.modified).isoformat(),
        "articleBody": text,
    }
    if update.author_id:
        data["author"] = person(update.author)
    corrections = update.shown_corrections
    if corrections:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": correction.text,
                "datePublished": correction.published_at.isoformat(),
                "name": correction.get_kind_display(),
            }
            for correction in corrections
        ]
    return data
