"""The demo newsroom: sections, authors with portraits, 40 published articles with
illustrations and one draft. Every row it creates carries import_source "demo", so a
second run finds them and adds nothing."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.html import escape

from articles.models import Article, ArticleAuthor, Section
from authors.models import Author, AuthorLink
from media.figures import figure_html
from media.models import Image

from .people import AUTHORS, SECTIONS
from .pictures import portrait, scene
from .stories import DRAFT, STORIES

DEMO = "demo"  # import_source of every demo row: reruns find them and add nothing
LEAD_CAPTIONS = {
    "land": "An armoured vehicle on a training area",
    "air": "A combat aircraft on a training sortie",
    "naval": "A warship on the horizon",
    "industry": "Production halls at a defence plant",
    "cyber-space": "A satellite ground station",
}


def load_newsroom():
    """Create what is missing; return how many sections, authors, articles and images were
    created. Existing demo rows (and editors' changes to them) are left as they are."""
    return Newsroom().load()


class Newsroom:
    def __init__(self):
        self.created = {"sections": 0, "authors": 0, "articles": 0, "images": 0}

    def load(self):
        sections = {spec["slug"]: self.section(spec) for spec in SECTIONS}
        authors = {spec["slug"]: self.author(spec) for spec in AUTHORS}
        now = timezone.now()
        for spec in STORIES:
            self.article(spec, sections, authors, now)
        self.article(DRAFT, sections, authors, now, draft=True)
        return self.created

    def section(self, spec):
        section, created = Section.objects.get_or_create(
            slug=spec["slug"],
            defaults={k: spec[k] for k in ("name", "description", "order")},
        )
        self.created["sections"] += created
        return section

    def author(self, spec):
        author, created = Author.objects.get_or_create(
            slug=spec["slug"],
            defaults={k: spec[k] for k in ("name", "role", "short_bio", "long_bio")}
            | {"import_source": DEMO, "import_id": spec["slug"]},
        )
        if created:
            self.created["authors"] += 1
            author.photo.save(
                f"{spec['slug']}.png", ContentFile(portrait(spec["colour"], spec["slug"]))
            )
            for position, (label, url) in enumerate(spec["links"]):
                AuthorLink.objects.create(author=author, label=label, url=url, position=position)
        return author

    def image(self, key, section, alt, caption, credit, tags=()):
        image = Image.objects.filter(import_source=DEMO, import_id=key).first()
        if image is None:
            image = Image(
                alt_text=alt, caption=caption, credit=credit, import_source=DEMO, import_id=key
            )
            image.file.save(f"{key}.jpg", ContentFile(scene(key, section)))
            image.tags.add(*tags)
            self.created["images"] += 1
        return image

    def article(self, spec, sections, authors, now, draft=False):
        if Article.objects.filter(import_source=DEMO, import_id=spec["slug"]).exists():
            return
        section = spec["section"]
        article = Article(
            title=spec["title"],
            slug=spec["slug"],
            standfirst=spec["standfirst"],
            section=sections[section],
            import_source=DEMO,
            import_id=spec["slug"],
        )
        if draft:
            article.status = Article.Status.DRAFT
        else:
            days = spec["days_ago"]
            article.status = Article.Status.PUBLISHED
            article.published_at = (now - timedelta(days=days)).replace(
                hour=6 + days % 12, minute=(days * 7) % 60, second=0, microsecond=0
            )
            article.featured = spec.get("featured", False)
            if spec.get("updated"):
                article.content_updated_at = article.published_at + timedelta(hours=5)
            # Each caption names its story, so the image chooser tells the pictures apart.
            article.lead_image = self.image(
                f"{spec['slug']}-lead",
                section,
                alt=f"Illustration: {spec['title']}",
                caption=f"{LEAD_CAPTIONS[section]}, drawn for “{spec['title']}”",
                credit="Defence Blog graphics",
                tags=[sections[section].name, "Illustration", *spec["tags"]],
            )
        figure = None
        if spec.get("figure"):
            caption, credit = spec["figure"]
            figure = self.image(
                f"{spec['slug']}-figure",
                section,
                alt=caption,
                caption=caption,
                credit=credit,
                tags=[sections[section].name, *spec["tags"]],
            )
        article.body = body_html(spec, figure)
        article.save()
        for position, slug in enumerate(spec["authors"]):
            ArticleAuthor.objects.create(article=article, author=authors[slug], position=position)
        article.tags.add(*spec["tags"])
        self.created["articles"] += 1


def body_html(spec, figure=None):
    """The article body as CKEditor 5 would store it."""
    paragraphs = [f"<p>{escape(text)}</p>" for text in spec["paragraphs"]]
    parts = paragraphs[:2]
    if figure is not None:
        # The caption, then the image's credit field as <span class="credit">.
        parts.append(figure_html(figure))
    if spec.get("quote"):
        text, who = spec["quote"]
        parts.append(f"<blockquote><p>“{escape(text)}” — {escape(who)}</p></blockquote>")
    rest = paragraphs[2:]
    if len(rest) >= 2:
        parts.append(rest[0])
        parts.append("<h2>What happens next</h2>")
        parts.extend(rest[1:])
    else:
        parts.extend(rest)
    if spec.get("table"):
        head, *rows = spec["table"]
        thead = "".join(f"<th>{escape(cell)}</th>" for cell in head)
        tbody = "".join(
            "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
        )
        parts.append(
            f'<figure class="table"><table><thead><tr>{thead}</tr></thead>'
            f"<tbody>{tbody}</tbody></table></figure>"
        )
    return "".join(parts)
