"""The export's authors become author profiles; a post's dc:creator becomes its byline."""

from __future__ import annotations

import html
import re

from django.db import transaction
from django.utils.text import slugify

from authors.models import Author

from . import fingerprints
from .fingerprints import AUTHOR_FIELDS, KeptEdited
from .text import plain_text, truncate_words
from .wxr import WXRAuthor


class AuthorImporter:
    """Authors for one import, found again by their import key (the site and the login)."""

    def __init__(self, importer):
        self.importer = importer  # its source, its report, and its per-item rollback
        self.by_login: dict[str, Author] = {}
        self.pending: list[str] = []  # logins given a profile inside the current item

    @property
    def source(self) -> str:
        return self.importer.source

    def import_author(self, wp: WXRAuthor):
        """One author of the export's header, in its own transaction."""
        report = self.importer.report
        tally = report.tallies["authors"]
        try:
            with transaction.atomic():
                outcome = self._save_author(wp)
        except KeptEdited as kept:
            self.by_login[wp.login] = self._existing(wp.login)
            report.kept_edited.append(kept.entry)
            tally.count("kept")
            return
        except Exception as exc:
            report.failures.append(f"author {wp.login}: {type(exc).__name__}: {exc}")
            tally.count("failed")
            return
        tally.count(outcome)

    def _save_author(self, wp: WXRAuthor) -> str:
        full_name = " ".join(p for p in (wp.first_name, wp.last_name) if p)
        name = plain_text(wp.display_name) or plain_text(full_name) or wp.login
        values = {"name": name[:120]}
        bio = plain_text(wp.description)
        if bio:  # WXR 1.2 has no biography; some exporters add wp:author_description
            values["short_bio"] = truncate_words(bio, 400)
            values["long_bio"] = html.unescape(re.sub(r"<[^>]*>", "", wp.description)).strip()
        author = self._existing(wp.login)
        if author is None:
            author = Author(import_source=self.source, import_id=wp.login[:64], **values)
            author.slug = self._unique_slug(slugify(wp.login) or slugify(name))
            author.save()
            outcome = "created"
        else:
            current = fingerprints.values(author, AUTHOR_FIELDS)
            label = f"author {wp.login} “{author.name}”"
            self.importer.edits.check(author, current, {**current, **values}, AUTHOR_FIELDS, label)
            outcome = "unchanged"
            if any(getattr(author, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(author, k, v)
                author.save()
                outcome = "updated"
        fingerprints.store(author, fingerprints.values(author, AUTHOR_FIELDS))
        self.by_login[wp.login] = author
        return outcome

    def _existing(self, login: str) -> Author | None:
        return Author.objects.filter(import_source=self.source, import_id=login[:64]).first()

    @staticmethod
    def _unique_slug(base: str) -> str:
        base = base[:110] or "author"
        slug, n = base, 2
        while Author.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    def byline(self, creator: str) -> Author | None:
        """A byline from dc:creator (a login). Logins missing from the header (WXR 1.0, or
        a damaged export) get a profile of their own."""
        login = creator.strip()
        if not login:
            return None
        if login in self.by_login:
            return self.by_login[login]
        cleaned = re.sub(r"[<>\"'\s]+", "", login) or login
        if cleaned in self.by_login:
            return self.by_login[cleaned]
        author = Author.objects.filter(import_source=self.source, import_id=cleaned[:64]).first()
        if author is None:
            author = Author.objects.create(
                name=cleaned[:120],
                slug=self._unique_slug(slugify(cleaned)),
                import_source=self.source,
                import_id=cleaned[:64],
            )
            fingerprints.store(author, fingerprints.values(author, AUTHOR_FIELDS))
            self.pending.append(cleaned)
        self.importer.remember(self.by_login, cleaned, author)
        return author

    def commit_pending(self):
        """The current item was stored: count the profiles it created."""
        report = self.importer.report
        for name in self.pending:
            report.tallies["authors"].count("created")
            report.notes.append(
                f"Author “{name}” is not among the export's authors: created a profile."
            )
        self.pending.clear()

    def forget_pending(self):
        self.pending.clear()
