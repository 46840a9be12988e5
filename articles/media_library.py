"""Where the media library's images are used, and keeping those uses when a file is replaced.

An image is used as an article's lead image (a foreign key, PROTECT) or inside article
bodies, where CKEditor wrote the URLs of its renditions (and possibly of the original):

    /media/images/2026/11/<random token>.jpg
    /media/renditions/images/2026/11/<HMAC of the name>.0123456789ab.webp   (12-hex spec hash)

"Which articles use these images" is one query however many images are asked about: the
database narrows the articles down with one pass over each body (`body_prefilter`), then
`file_pattern` tells exactly which image each match shows. Without a text index on bodies
that pass reads every body: about 0.2 s for one image and 0.6–0.7 s for a page of 100
images over 10,000 articles of 5 kB (measured on the development machine).
"""

import re
from collections import defaultdict
from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core.images import rendition_folder_stem

from .figures import recredit_body, set_attribute
from .models import Article


def _stems(name):
    """images/2026/11/<token>.jpg → the stems of its URLs: the original's and its
    renditions' (a keyed HMAC of the name, core.images), plus URL-quoted spellings. Files
    stored before renaming had renditions named from the original's stem."""
    stem = str(PurePosixPath(name).with_suffix(""))
    renditions = rendition_folder_stem(name)
    return {stem, quote(stem), renditions}


def file_pattern(name):
    """A regular expression for the URLs of the original file `name` and its renditions,
    exact enough to tell tank.jpg from tank_2.jpg or tank.b.jpg."""
    stem = "|".join(re.escape(s) for s in sorted(_stems(name)))
    suffix = re.escape(PurePosixPath(name).suffix.lstrip("."))
    return rf"(?:{stem})\.(?:[0-9a-f]{{12}}\.[a-z]+|{suffix})(?![A-Za-z0-9_.])"


def body_prefilter(names):
    """Q for article bodies that may show any of the files `names`: one pass over each body
    (a LIKE for one file; for several, one regular expression grouped by folder, which
    PostgreSQL runs far faster than OR'ed LIKEs that each read the body again). Callers
    confirm the matches exactly with file_pattern."""
    stems = sorted(set().union(*(_stems(name) for name in names))) if names else []
    if not stems:
        return Q(pk__in=[])
    if len(stems) == 1:
        return Q(body__contains=f"{stems[0]}.")
    folders = defaultdict(list)
    for stem in stems:
        folder, _, base = stem.rpartition("/")
        folders[folder].append(re.escape(base))
    groups = "|".join(
        f"{re.escape(folder)}/(?:{'|'.join(bases)})" for folder, bases in folders.items()
    )
    return Q(body__regex=rf"(?:{groups})\.")


def uses_of(images):
    """{image pk: [(article, "lead image" | "body" | "lead image and body"), ...]} for the
    given images, in one query."""
    images = [image for image in images if image.file]
    found = defaultdict(list)
    if not images:
        return found
    patterns = {image.pk: re.compile(file_pattern(image.file.name)) for image in images}
    articles = (
        Article.objects.filter(
            Q(lead_image__in=[image.pk for image in images])
            | body_prefilter([image.file.name for image in images])
        )
        .only("pk", "title", "slug", "status", "published_at", "lead_image_id", "body")
        .order_by("-published_at", "-pk")
    )
    for article in articles:
        for pk, pattern in patterns.items():
            lead = article.lead_image_id == pk
            inline = bool(pattern.search(article.body))
            if lead or inline:
                how = " and ".join(
                    label for label, yes in (("lead image", lead), ("body", inline)) if yes
                )
                found[pk].append((article, how))
    return found


# --- Replacing a file ------------------------------------------------------------------

_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)


def rewrite_pictures(body, old_name, image):
    """`body` with every <img> that showed the file `old_name` now showing `image`'s
    current file: src, srcset and the intrinsic size (width, height, aspect ratio)."""
    pattern = re.compile(file_pattern(old_name))
    src = image.src(settings.INLINE_IMAGE_MAX_WIDTH)
    width = image.display_width(settings.INLINE_IMAGE_MAX_WIDTH)
    height = image.height_for(width)

    def rewrite(match):
        tag = match.group(0)
        if not pattern.search(tag):
            return tag
        tag = set_attribute(tag, "src", src)
        tag = set_attribute(tag, "srcset", image.srcset(), add=False)
        tag = set_attribute(tag, "width", str(width), add=False)
        if height:
            tag = set_attribute(tag, "height", str(height), add=False)
            tag = re.sub(
                r"aspect-ratio:\s*[\d.]+\s*/\s*[\d.]+", f"aspect-ratio:{width}/{height}", tag
            )
        return tag

    return _IMG.sub(rewrite, body)


def replace_in_bodies(image, old_name):
    """After `image` got a new file (same row, so lead-image uses carry on by themselves):
    point the pictures in article bodies at the new file too (and their credit at the
    image's). Each changed article's version
    is bumped, so an editor with it open is told rather than overwriting the new picture.
    Returns the number of articles changed. The old files stay in storage: older revisions
    and cached pages still point at them."""
    changed = 0
    with transaction.atomic():
        articles = (
            Article.objects.select_for_update(of=("self",))
            .filter(body_prefilter([old_name]))
            .only("pk", "body")
        )
        for article in articles:
            body = recredit_body(rewrite_pictures(article.body, old_name, image), image)
            if body != article.body:
                Article.objects.filter(pk=article.pk).update(
                    body=body, version=F("version") + 1, modified=timezone.now()
                )
                changed += 1
    return changed


_URL_ATTRIBUTE = re.compile(r'\b(src|srcset|href)="([^"]*)"', re.IGNORECASE)


def rebase_body(body, old_prefixes, new_prefix):
    """`body` with each src, srcset and href URL that starts with one of `old_prefixes`
    (the media folder's old address) starting with `new_prefix` instead."""

    def rebase(url):
        for old in old_prefixes:
            if url.startswith(old):
                return new_prefix + url[len(old) :]
        return url

    def attribute(match):
        name, value = match.groups()
        if name.lower() == "srcset":
            candidates = []
            for candidate in value.split(","):
                url, _, descriptor = candidate.strip().partition(" ")
                candidates.append(f"{rebase(url)} {descriptor}".strip())
            value = ", ".join(candidates)
        else:
            value = rebase(value)
        return f'{name}="{value}"'

    return _URL_ATTRIBUTE.sub(attribute, body)


def rebase_media_urls(old_prefixes, new_prefix=None):
    """Point article bodies' pictures (and links to media) at `new_prefix` (MEDIA_URL: the
    bucket's public base once media moved there) instead of any of `old_prefixes`. Each
    changed article's version is bumped, as in replace_in_bodies. Returns the number of
    articles changed. Older revisions keep the old addresses."""
    new_prefix = new_prefix or settings.MEDIA_URL
    old_prefixes = sorted({p for p in old_prefixes if p and p != new_prefix}, key=len, reverse=True)
    if not old_prefixes:
        return 0
    changed = 0
    candidates = Q(pk__in=[])
    for old in old_prefixes:
        candidates |= Q(body__contains=f'="{old}') | Q(body__contains=f", {old}")
    with transaction.atomic():
        articles = (
            Article.objects.select_for_update(of=("self",)).filter(candidates).only("pk", "body")
        )
        for article in articles:
            body = rebase_body(article.body, old_prefixes, new_prefix)
            if body != article.body:
                Article.objects.filter(pk=article.pk).update(
                    body=body, version=F("version") + 1, modified=timezone.now()
                )
                changed += 1
    return changed


def show_renditions(image):
    """Once `image`'s renditions are made: the pictures in article bodies that show it
    while it was pending (its original, as CKEditor, the importer and the demo wrote them
    then) get the renditions' src and srcset. Not an edit: the articles' version and
    modification time stay as they are, so an editor with the article open is not told of
    a conflict (saving it keeps the renditions: `figures.sync_pictures` does the same).
    Returns the number of articles changed."""
    name = image.file.name
    changed = 0
    # Only the original's address needs finding (one LIKE, cheaper than body_prefilter's
    # expression over every body: this runs once per picture after an import).
    original = str(PurePosixPath(name).with_suffix(""))
    articles = (
        Article.objects.select_for_update(of=("self",))
        .filter(body__contains=f"{original}.")
        .only("pk", "body")
    )
    with transaction.atomic():
        for article in articles:
            body = rewrite_pictures(article.body, name, image)
            if body != article.body:
                Article.objects.filter(pk=article.pk).update(body=body)
                changed += 1
    return changed
