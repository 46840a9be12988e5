"""Readable differences between a saved revision of an article and the article as it is now,
for the history page in the admin, and between two revisions, for the readers' page of what
a correction changed (articles/changes.py, with text labels for screen readers).

Revisions themselves are kept by django-reversion (registered in articles/admin/articles.py):
every save through the admin, and every bulk action, stores the article with its bylines and
tags.
Here the headline, standfirst and body are compared word by word; the body is first turned
into plain-text paragraphs so the editor reads prose, not HTML. Everything is escaped: the
only markup produced is <del>, <ins> and the paragraph structure of the template.
"""

import difflib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from html import unescape

from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from reversion.models import Version

from .models import Article

_BLOCK_END = re.compile(
    r"</(?:p|h[1-6]|li|blockquote|figcaption|figure|tr|pre|table|ul|ol)>|<br\s*/?>", re.I
)
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_ALT = re.compile(r'\salt="([^"]*)"', re.I)
_TOKENS = re.compile(r"\s+|[^\s]+")
CONTEXT = 1  # unchanged paragraphs shown around each change


def _picture(match):
    alt = _ALT.search(match.group(0))
    label = unescape(alt.group(1)).strip() if alt else ""
    return f"\n[Picture: {label}]\n" if label else "\n[Picture]\n"


def paragraphs(html):
    """The body as a list of plain-text paragraphs (pictures as "[Picture: alt]")."""
    text = _IMG.sub(_picture, html or "")
    text = _BLOCK_END.sub("\n", text)
    text = unescape(strip_tags(text))
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


# For readers (the public page of a correction's changes): a text label inside each change,
# read by screen readers, so the difference is not told by colour and strike-through alone.
LABELS = {
    "del": '<span class="visually-hidden">[removed:] </span>',
    "ins": '<span class="visually-hidden">[added:] </span>',
}
LABELS_END = '<span class="visually-hidden"> [end]</span>'


def _mark(tag, text, labelled):
    if not labelled:
        return f"<{tag}>{escape(text)}</{tag}>"
    return f"<{tag}>{LABELS[tag]}{escape(text)}{LABELS_END}</{tag}>"


def word_diff(old, new, labelled=False):
    """old → new as safe HTML: removed words in <del>, added words in <ins> (with hidden
    text labels when `labelled`)."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    # Runs of [same text] and [removed, added]; a lone space between two changes joins them,
    # so a rewritten phrase reads as one removal and one addition, not word salad.
    runs = []
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        same = "".join(a[i1:i2]) if op == "equal" else None
        between_changes = 0 < index < len(opcodes) - 1 and runs and isinstance(runs[-1], list)
        if same is not None and not (between_changes and not same.strip()):
            runs.append(same)
        elif not runs or not isinstance(runs[-1], list):
            runs.append(["".join(a[i1:i2]), "".join(b[j1:j2])])
        else:
            runs[-1][0] += "".join(a[i1:i2])
            runs[-1][1] += "".join(b[j1:j2])
    out = []
    for run in runs:
        if isinstance(run, str):
            out.append(escape(run))
            continue
        removed, added = run
        if removed == added:  # only joining spaces
            out.append(escape(removed))
            continue
        if removed:
            out.append(_mark("del", removed, labelled))
        if added:
            out.append(_mark("ins", added, labelled))
    return mark_safe("".join(out))  # noqa: S308 (every piece above is escaped)


@dataclass
class Row:
    kind: str  # "same", "changed", "removed", "added" or "skipped"
    html: str = ""
    count: int = 0  # paragraphs left out, for "skipped"


@dataclass
class FieldChange:
    label: str
    changed: bool
    html: str = ""
    rows: list = field(default_factory=list)


def paragraph_diff(old_paragraphs, new_paragraphs, labelled=False):
    """Rows for the body: changed paragraphs word by word, with CONTEXT unchanged
    paragraphs around each change and the rest summarised as "skipped"."""
    rows = []
    matcher = difflib.SequenceMatcher(None, old_paragraphs, new_paragraphs, autojunk=False)
    opcodes = matcher.get_opcodes()
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            same = old_paragraphs[i1:i2]
            head = same[:CONTEXT] if index > 0 else []
            tail = same[-CONTEXT:] if index < len(opcodes) - 1 else []
            if len(head) + len(tail) >= len(same):
                rows += [Row("same", escape(p)) for p in same]
                continue
            rows += [Row("same", escape(p)) for p in head]
            rows.append(Row("skipped", count=len(same) - len(head) - len(tail)))
            rows += [Row("same", escape(p)) for p in tail]
        elif op == "replace":
            old, new = old_paragraphs[i1:i2], new_paragraphs[j1:j2]
            for k in range(max(len(old), len(new))):
                if k < len(old) and k < len(new):
                    rows.append(Row("changed", word_diff(old[k], new[k], labelled)))
                elif k < len(old):
                    rows.append(Row("removed", escape(old[k])))
                else:
                    rows.append(Row("added", escape(new[k])))
        elif op == "delete":
            rows += [Row("removed", escape(p)) for p in old_paragraphs[i1:i2]]
        else:
            rows += [Row("added", escape(p)) for p in new_paragraphs[j1:j2]]
    return rows


TEXT_FIELDS = (("title", "Headline"), ("standfirst", "Standfirst"))


def compare(old_fields, article):
    """What changed in headline, standfirst and body between a revision's fields (a dict, as
    reversion's Version.field_dict) and `article` now."""
    return compare_fields(old_fields, {name: getattr(article, name) for name in TEXT_NAMES})


TEXT_NAMES = ("title", "standfirst", "body")


def compare_fields(old_fields, new_fields, labelled=False):
    """What changed in headline, standfirst and body between two dicts of fields (a
    revision's, or an article's now). `labelled` adds the readers' hidden text labels."""
    changes = []
    for name, label in TEXT_FIELDS:
        old, new = old_fields.get(name) or "", new_fields.get(name) or ""
        changes.append(FieldChange(label, old != new, word_diff(old, new, labelled)))
    old_body, new_body = paragraphs(old_fields.get("body")), paragraphs(new_fields.get("body"))
    changed = old_body != new_body
    rows = paragraph_diff(old_body, new_body, labelled) if changed else []
    changes.append(FieldChange("Body", changed, rows=rows))
    return changes


def history(article, compared_id=""):
    """The article's history page: every stored version, newest first, with who saved it;
    and, when `compared_id` names one of them, that version and what changed in headline,
    standfirst and body between it and the article now."""
    versions = list(
        Version.objects.get_for_object(article)
        .select_related("revision__user")
        .order_by("-revision__date_created", "-pk")
    )
    compared = next((v for v in versions if str(v.pk) == compared_id), None)
    return {
        "versions": versions,
        "compared": compared,
        "comparison": compare(compared.field_dict, article) if compared is not None else None,
    }


def text_changed(old_fields, new_fields):
    """Did headline, standfirst or body change as a reader reads them (plain text)?"""
    return any(
        (old_fields.get(name) or "").strip() != (new_fields.get(name) or "").strip()
        for name, _ in TEXT_FIELDS
    ) or paragraphs(old_fields.get("body")) != paragraphs(new_fields.get("body"))


def stored_text(version):
    """Headline, standfirst and body of an article's stored version, read from its JSON
    without building the model (no query: reversion's field_dict looks up content types)."""
    if version.format == "json":
        fields = json.loads(version.serialized_data)[0]["fields"]
    else:
        fields = version.field_dict
    return {name: fields.get(name) or "" for name in TEXT_NAMES}


# --- Restoring a revision: the status stays as it is now unless the editor chooses -------


def _when(moment):
    return f"{timezone.localtime(moment):%d %b %Y %H:%M}"


def _state(status, published_at, now):
    """ "live", "scheduled" or "off" (draft, in review, archived, or published without a
    time)."""
    if status != Article.Status.PUBLISHED or published_at is None:
        return "off"
    return "live" if published_at <= now else "scheduled"


def _describe(status, published_at, now):
    label = f"“{Article.Status(status).label}”"
    state = _state(status, published_at, now)
    if state == "live":
        return f"{label}, on the site since {_when(published_at)}"
    if state == "scheduled":
        return f"{label}, scheduled for {_when(published_at)}"
    return f"{label}, not on the site"


@dataclass(frozen=True)
class Restore:
    """A revision being restored onto an article: the article as stored now (locked by the
    admin's revision view) and the status and publication time the revision holds. A
    restore brings back the content and keeps the status and publication time of now; the
    editor may choose to take the revision's too, told what that does to the live page."""

    stored: Article
    old_status: str
    old_published_at: datetime | None

    @property
    def status_differs(self):
        return (self.old_status, self.old_published_at) != (
            self.stored.status,
            self.stored.published_at,
        )

    def explanation(self):
        """What the revision holds and what the article keeps, for the restore form."""
        now = timezone.now()
        old = _describe(self.old_status, self.old_published_at, now)
        current = _describe(self.stored.status, self.stored.published_at, now)
        return (
            f"This revision was saved as {old}. Now the article is {current}; it keeps that "
            "status and publication time, and restoring brings back its content only."
        )

    def choice_label(self):
        label = Article.Status(self.old_status).label
        return f"Also take this revision's status (“{label}”) and publication time"

    def warning(self):
        """What taking the revision's status and time would do to the page readers see."""
        now = timezone.now()
        before = _state(self.stored.status, self.stored.published_at, now)
        after = _state(self.old_status, self.old_published_at, now)
        if before == "live" and after == "off":
            return (
                "Warning: this takes the live article off the site at once. Readers who "
                "follow its address get “not found”, and it leaves the front page, section "
                "pages, feeds and sitemaps."
            )
        if before == "live" and after == "scheduled":
            return (
                "Warning: this takes the live article off the site until "
                f"{_when(self.old_published_at)}; until then readers get “not found”."
            )
        if after == "live" and before != "live":
            return (
                "Warning: this publishes the article again at once, dated "
                f"{_when(self.old_published_at)}: it returns to the front page, section "
                "pages, feeds and sitemaps."
            )
        if after == "live":
            return (
                f"This changes the live article's publication time to "
                f"{_when(self.old_published_at)}, which moves it in listings and feeds."
            )
        if after == "scheduled":
            return f"This schedules the article for {_when(self.old_published_at)}."
        return "The article stays off the site either way."
