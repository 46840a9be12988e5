"""Edits made here since an import, told apart from rows the import alone has written.

Each imported article, page, picture and author keeps, in `import_fingerprint`, a hash of
the fields the importer writes, taken from the row as it was stored. On a re-import a row
whose fields still hash to its fingerprint has not been touched here, and WordPress's
changes are written over it; a row that hashes to something else was edited here and is
left as it is (unless the import is run with --overwrite-edited).

What the site itself rewrites in a body is not an edit: the pictures' src, srcset, sizes
and dimensions (renditions made after the import, media moved to another storage) and
the figures' credits (kept from the media library) are left out of the hash.

Rows imported before fingerprints existed have none: for those, a revision saved after
the import (every save in the admin stores one, see articles/revisions.py) marks an
edit. Pictures and authors have no revision history, so such a row counts as untouched.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime

import reversion
from reversion.models import Version

from .html_tree import Node, parse_html, serialize

_CREDIT = re.compile(r'\s*<span class="credit">.*?</span>', re.IGNORECASE | re.DOTALL)
_MACHINE_IMG_ATTRIBUTES = ("src", "srcset", "sizes", "width", "height", "style")

ARTICLE_FIELDS = {
    "title": "headline",
    "slug": "slug",
    "standfirst": "standfirst",
    "body": "body",
    "status": "status",
    "published_at": "publication date",
    "featured": "featured",
    "section_id": "section",
    "lead_image_id": "lead image",
}
PAGE_FIELDS = {
    "title": "title",
    "body": "body",
    "seo_description": "SEO description",
    "is_published": "published",
}
IMAGE_FIELDS = {"alt_text": "alt text", "caption": "caption", "credit": "credit", "file": "file"}
AUTHOR_FIELDS = {"name": "name", "short_bio": "short bio", "long_bio": "long bio"}


def body_key(body: str) -> str:
    """The body as an editor wrote it: tags with sorted attributes, the pictures reduced to
    their alt text, the credits left out."""
    tree = parse_html(_CREDIT.sub("", body or ""))

    def strip(node: Node):
        for child in node.children:
            if isinstance(child, str):
                continue
            if child.tag == "img":
                for name in _MACHINE_IMG_ATTRIBUTES:
                    child.attrs.pop(name, None)
            strip(child)

    strip(tree)
    return serialize(tree, sort=True)


def _value(row, name):
    value = getattr(row, name)
    if name == "body":
        return body_key(value)
    if name == "file":
        return value.name if value else ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value


def values(row, fields, **links) -> dict:
    """The fingerprinted values of `row` (and of its links, e.g. byline ids), comparable."""
    found = {name: _value(row, name) for name in fields}
    found.update(links)
    return found


def fingerprint(found: dict) -> str:
    text = json.dumps(found, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def was_edited(row, found: dict) -> bool:
    """Whether `row` (with its current `found` values) was changed here since the import."""
    if row.import_fingerprint:
        return row.import_fingerprint != fingerprint(found)
    return saved_after_import(row)


def saved_after_import(row) -> bool:
    """For a row imported before fingerprints: a revision saved since it was created."""
    if not reversion.is_registered(type(row)) or not hasattr(row, "created"):
        return False
    return (
        Version.objects.get_for_object(row).filter(revision__date_created__gt=row.created).exists()
    )


def differences(current: dict, wanted: dict, labels: dict) -> list[str]:
    """The names (as editors know them) of the fields WordPress would change."""
    return [
        labels.get(name, name)
        for name in wanted
        if name in current and current[name] != wanted[name]
    ]


def store(row, found: dict) -> None:
    """Record `found` as what the import wrote, without touching the row's other columns
    (nor its modification time)."""
    value = fingerprint(found)
    if row.import_fingerprint != value:
        type(row).objects.filter(pk=row.pk).update(import_fingerprint=value)
        row.import_fingerprint = value


class KeptEdited(Exception):  # noqa: N818 — an outcome, not an error
    """The row was edited here since the import: the item is left as it is (and whatever
    the item's transaction wrote so far is rolled back)."""

    def __init__(self, entry: str):
        super().__init__(entry)
        self.entry = entry


class EditGuard:
    """One import's rule for rows edited here: keep them (the default), or let WordPress
    win after saving a revision of the edit (--overwrite-edited)."""

    def __init__(self, report, *, overwrite: bool, dry_run: bool):
        self.report = report
        self.overwrite = overwrite
        self.replaced: set[tuple[type, int]] = set()  # rows whose edits WordPress replaced
        self.dry_run = dry_run

    def check(self, row, current: dict, wanted, labels: dict, label: str) -> bool:
        """Raises KeptEdited for a row edited here that WordPress would change; with
        --overwrite-edited, saves a revision of it and returns True (then the caller writes
        WordPress's values). False: the row is as imported, write as usual. `wanted` (what
        WordPress has now, as `values` gives it) may be a function: only an edited row
        needs it."""
        if not was_edited(row, current):
            return False
        wanted = wanted() if callable(wanted) else wanted
        changes = differences(current, wanted, labels)
        if not changes:
            return False  # edited back, or to exactly what WordPress has now
        if not self.overwrite:
            raise KeptEdited(f"{label}: WordPress would change the {', '.join(changes)}")
        kind = label.split(" ", 1)[0]
        self.replaced.add((type(row), row.pk))
        if not self.dry_run and save_revision(row, before_overwrite_comment(kind)):
            after = "the edited version is saved as a revision in its History"
        else:
            names = [name for name in wanted if name in current and current[name] != wanted[name]]
            after = "it was " + "; ".join(f"{labels[n]} “{current[n]}”" for n in names)
        self.report.overwritten.append(f"{label}: {', '.join(changes)} — {after}")
        return True

    def written(self, row) -> None:
        """After the caller wrote WordPress's values over a row's edits: that state is a
        revision too, so History shows it as the current one and offers to restore the
        edited one before it."""
        if (type(row), row.pk) in self.replaced and not self.dry_run:
            save_revision(row, "WordPress re-import (--overwrite-edited): WordPress's version.")


def before_overwrite_comment(kind: str) -> str:
    return (
        f"Before a WordPress re-import (--overwrite-edited) replaced this {kind}'s edits made here."
    )


def save_revision(row, comment: str) -> bool:
    """A revision of `row` as it is now (an article with its bylines and tags). False when
    the model keeps no revisions."""
    if not reversion.is_registered(type(row)):
        return False
    with reversion.create_revision(manage_manually=True):
        reversion.set_comment(comment)
        reversion.add_to_revision(row)
    return True
