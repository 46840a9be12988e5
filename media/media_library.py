"""Where the media library's images are used, and keeping those uses when a file is replaced.

An image is used as a lead image (a foreign key, PROTECT) or inside bodies of HTML, where
CKEditor wrote the URLs of its renditions (and possibly of the original):

    /media/images/2026/11/<random token>.jpg
    /media/renditions/images/2026/11/<HMAC of the name>.0123456789ab.webp   (12-hex spec hash)

The library knows no app that shows its pictures: each describes its rows once as `Bodies`
and registers them (`register_bodies`; the articles app does in its AppConfig.ready), and
every function here reads and rewrites the registered rows.

"Which articles use these images" is one query per registered model however many images
are asked about: the database narrows the rows down with one pass over each body
(`body_prefilter`), then `file_pattern` tells exactly which image each match shows. Without
a text index on bodies that pass reads every body: about 0.2 s for one image and 0.6–0.7 s
for a page of 100 images over 10,000 articles of 5 kB (measured on the development machine).
"""

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from core.content_state import content_state
from core.images import rendition_folder_stem

from .figures import recredit_body, set_attribute


@dataclass(frozen=True)
class Bodies:
    """Rows of `model` that show library pictures: HTML in the text field `body`, and a lead
    image in `lead` (a ForeignKey to Image) if the model has one. `listed` are the fields
    the library's "Used in" column reads of each row (what its `__str__` shows);
    `edited()` gives the fields an edit of a body also updates, so that someone with the
    row open is told rather than overwriting the new picture (a version bump, the
    modification time). `tags(pks)` names the cached pages (core.content_state tags)
    that show the rows with these primary keys, so that a changed picture makes only
    those stale."""

    model: type
    body: str = "body"
    lead: str | None = None
    listed: tuple[str, ...] = ()
    edited: Callable[[], dict] = field(default=dict)
    tags: Callable[[list], set] = field(kw_only=True)

    def only(self, *names):
        fields = ["pk", self.body, *names]
        if self.lead:
            fields.append(self.model._meta.get_field(self.lead).attname)
        return fields


_bodies = {}


def register_bodies(bodies):
    """Make the rows `bodies` describes known to the library (once per model)."""
    _bodies[bodies.model._meta.label] = bodies
    return bodies


def registered_bodies():
    return list(_bodies.values())


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


def body_prefilter(names, body="body"):
    """Q for the bodies (the text field `body`) that may show any of the files `names`: one
    pass over each body (a LIKE for one file; for several, one regular expression grouped by
    folder, which PostgreSQL runs far faster than OR'ed LIKEs that each read the body
    again). Callers confirm the matches exactly with file_pattern."""
    stems = sorted(set().union(*(_stems(name) for name in names))) if names else []
    if not stems:
        return Q(pk__in=[])
    if len(stems) == 1:
        return Q(**{f"{body}__contains": f"{stems[0]}."})
    folders = defaultdict(list)
    for stem in stems:
        folder, _, base = stem.rpartition("/")
        folders[folder].append(re.escape(base))
    groups = "|".join(
        f"{re.escape(folder)}/(?:{'|'.join(bases)})" for folder, bases in folders.items()
    )
    return Q(**{f"{body}__regex": rf"(?:{groups})\."})


def uses_of(images):
    """{image pk: [(row, "lead image" | "body" | "lead image and body"), ...]} for the
    given images, in one query per registered model (rows in the model's own order)."""
    images = [image for image in images if image.file]
    found = defaultdict(list)
    if not images:
        return found
    patterns = {image.pk: re.compile(file_pattern(image.file.name)) for image in images}
    for bodies in registered_bodies():
        wanted = body_prefilter([image.file.name for image in images], bodies.body)
        if bodies.lead:
            wanted |= Q(**{f"{bodies.lead}__in": [image.pk for image in images]})
        lead_id = bodies.model._meta.get_field(bodies.lead).attname if bodies.lead else None
        for row in bodies.model._base_manager.filter(wanted).only(*bodies.only(*bodies.listed)):
            for pk, pattern in patterns.items():
                lead = lead_id is not None and getattr(row, lead_id) == pk
                inline = bool(pattern.search(getattr(row, bodies.body)))
                if lead or inline:
                    how = " and ".join(
                        label for label, yes in (("lead image", lead), ("body", inline)) if yes
                    )
                    found[pk].append((row, how))
    return found


def shown_in(bodies, pks):
    """A change to what the rows `pks` of `bodies` show: the cached pages that show them
    are stale (now and once the transaction commits; .update() sends no signal)."""
    if pks:
        content_state.touched(bodies.tags(list(pks)))


def image_changed(image, kwargs):
    """The tags a save of `image` touches (core.content_state): the pages of the rows that
    show it as their lead image (its alt text, caption and credit show there). A new image
    is shown nowhere yet; rows that show it in their bodies are touched when their bodies
    are rewritten (`_rewrite_bodies`)."""
    if kwargs.get("created"):
        return set()
    tags = set()
    for bodies in registered_bodies():
        if not bodies.lead:
            continue
        pks = list(
            bodies.model._base_manager.filter(**{bodies.lead: image.pk}).values_list(
                "pk", flat=True
            )
        )
        if pks:
            tags |= bodies.tags(pks)
    return tags


def _rewrite_bodies(candidates, rewrite, edit=True):
    """Rewrite the bodies of the registered rows that `candidates(bodies)` (a Q) selects,
    each with `rewrite(body)`, locked while they are rewritten. A changed row also gets
    its `edited()` fields unless `edit` is false, and the pages that show it are stale.
    Returns the number of rows changed."""
    changed = 0
    with transaction.atomic():
        for bodies in registered_bodies():
            rewritten = []
            manager = bodies.model._base_manager
            rows = (
                manager.select_for_update(of=("self",))
                .filter(candidates(bodies))
                .only("pk", bodies.body)
            )
            for row in rows:
                old = getattr(row, bodies.body)
                body = rewrite(old)
                if body != old:
                    extra = bodies.edited() if edit else {}
                    manager.filter(pk=row.pk).update(**{bodies.body: body}, **extra)
                    rewritten.append(row.pk)
            shown_in(bodies, rewritten)
            changed += len(rewritten)
    return changed


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
    point the pictures in bodies at the new file too (and their credit at the image's).
    Each changed row is marked edited (an article's version is bumped), so an editor with
    it open is told rather than overwriting the new picture. Returns the number of rows
    changed. The old files stay in storage: older revisions and cached pages still point
    at them."""
    return _rewrite_bodies(
        lambda bodies: body_prefilter([old_name], bodies.body),
        lambda body: recredit_body(rewrite_pictures(body, old_name, image), image),
    )


def recredit(image):
    """After `image`'s credit changed: rewrite the captions of the figures that show it in
    bodies (marking each changed row edited, as replacing a file does). Returns the number
    of rows changed."""
    return _rewrite_bodies(
        lambda bodies: body_prefilter([image.file.name], bodies.body),
        lambda body: recredit_body(body, image),
    )


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
    """Point the pictures in bodies (and links to media) at `new_prefix` (MEDIA_URL: the
    bucket's public base once media moved there) instead of any of `old_prefixes`. Each
    changed row is marked edited, as in replace_in_bodies. Returns the number of rows
    changed. Older revisions keep the old addresses."""
    new_prefix = new_prefix or settings.MEDIA_URL
    old_prefixes = sorted({p for p in old_prefixes if p and p != new_prefix}, key=len, reverse=True)
    if not old_prefixes:
        return 0

    def candidates(bodies):
        found = Q(pk__in=[])
        for old in old_prefixes:
            found |= Q(**{f"{bodies.body}__contains": f'="{old}'})
            found |= Q(**{f"{bodies.body}__contains": f", {old}"})
        return found

    return _rewrite_bodies(candidates, lambda body: rebase_body(body, old_prefixes, new_prefix))


def show_renditions(image):
    """Once `image`'s renditions are made: the pictures in bodies that show it while it was
    pending (its original, as CKEditor, the importer and the demo wrote them then) get the
    renditions' src and srcset. Not an edit: an article's version and modification time
    stay as they are, so an editor with the article open is not told of a conflict (saving
    it keeps the renditions: `figures.sync_pictures` does the same). Returns the number of
    rows changed."""
    name = image.file.name
    # Only the original's address needs finding (one LIKE, cheaper than body_prefilter's
    # expression over every body: this runs once per picture after an import).
    original = str(PurePosixPath(name).with_suffix(""))
    return _rewrite_bodies(
        lambda bodies: Q(**{f"{bodies.body}__contains": f"{original}."}),
        lambda body: rewrite_pictures(body, name, image),
        edit=False,
    )
