"""What an import did, as the command prints it, and its progress on stderr."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

KINDS = ("authors", "attachments", "posts", "pages")
# (Tally attribute, column title, width): "kept (edited here)" last, so the counts before it
# keep their places for anything that reads the table.
COLUMNS = (
    ("created", "created", 15),
    ("updated", "updated", 15),
    ("unchanged", "unchanged", 15),
    ("skipped", "skipped", 15),
    ("failed", "failed", 15),
    ("missing_media", "missing media", 15),
    ("kept", "kept (edited here)", 20),
)


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    missing_media: int = 0
    kept: int = 0  # edited here since the import, so left as they are
    skip_reasons: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.kept + self.skipped + self.failed

    def count(self, outcome: str, reason: str = "") -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)
        if outcome == "skipped":
            self.skip_reasons[reason or "skipped"] += 1


@dataclass
class Missing:
    reason: str
    used_by: list[str] = field(default_factory=list)


@dataclass
class Report:
    source: str = ""
    title: str = ""
    wxr_version: str = ""
    dry_run: bool = False
    tallies: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in KINDS})
    missing_media: dict[str, Missing] = field(default_factory=dict)
    kept_as_draft: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kept_edited: list[str] = field(default_factory=list)
    overwritten: list[str] = field(default_factory=list)
    ignored: Counter = field(default_factory=Counter)

    def add_missing(self, address: str, reason: str, used_by: str = "") -> None:
        entry = self.missing_media.setdefault(address, Missing(reason))
        if used_by and used_by not in entry.used_by:
            entry.used_by.append(used_by)

    def render(self) -> str:
        lines = []
        what = f"“{self.title}” ({self.source})" if self.title else self.source
        version = f", WXR {self.wxr_version}" if self.wxr_version else ""
        lines.append(f"WordPress import of {what}{version}")
        if self.dry_run:
            lines.append("Dry run: nothing was written. The counts say what would happen.")
        lines.append("")
        lines.append(f"{'':<12}" + "".join(f"{title:>{width}}" for _, title, width in COLUMNS))
        for kind in KINDS:
            tally = self.tallies[kind]
            counts = "".join(f"{getattr(tally, name):>{width}}" for name, _, width in COLUMNS)
            lines.append(f"{kind:<12}{counts}")
        skipped = [
            f"{kind}: " + ", ".join(f"{n} {reason}" for reason, n in t.skip_reasons.most_common())
            for kind, t in self.tallies.items()
            if t.skip_reasons
        ]
        if skipped:
            lines += ["", "Skipped — " + "; ".join(skipped)]
        if self.ignored:
            ignored = ", ".join(f"{n} {kind}" for kind, n in self.ignored.most_common())
            lines += ["", f"Not imported (not content): {ignored}"]
        if self.kept_as_draft:
            lines += ["", f"Kept as drafts, never made public ({len(self.kept_as_draft)}):"]
            lines += [f"  {entry}" for entry in self.kept_as_draft]
        if self.kept_edited:
            lines += [
                "",
                f"Kept as edited here since the import ({len(self.kept_edited)}; "
                "--overwrite-edited would let WordPress win):",
            ]
            lines += [f"  {entry}" for entry in self.kept_edited]
        if self.overwritten:
            lines += [
                "",
                f"Edits made here replaced by WordPress's version ({len(self.overwritten)}):",
            ]
            lines += [f"  {entry}" for entry in self.overwritten]
        if self.missing_media:
            lines += ["", f"Missing media ({len(self.missing_media)}):"]
            for address, entry in self.missing_media.items():
                used = f" — used by {', '.join(entry.used_by[:8])}" if entry.used_by else ""
                more = f" and {len(entry.used_by) - 8} more" if len(entry.used_by) > 8 else ""
                lines.append(f"  {address}: {entry.reason}{used}{more}")
        if self.notes:
            lines += ["", "Notes:"] + [f"  {note}" for note in self.notes]
        if self.failures:
            lines += ["", f"Failed ({len(self.failures)}):"] + [f"  {f}" for f in self.failures]
        return "\n".join(lines) + "\n"


class Progress:
    """A self-updating line on a terminal; on anything else (a log, CI) a plain line every
    tenth of the way (or every 1,000 items when the total is unknown)."""

    def __init__(self, stream, enabled=True):
        self.stream = stream
        self.enabled = enabled and stream is not None
        isatty = getattr(stream, "isatty", None)
        self.tty = bool(isatty and isatty())
        self.label = ""
        self.total = None
        self.count = 0
        self.last_draw = 0.0
        self.next_mark = 0

    def start(self, label, total=None):
        self.label, self.total, self.count = label, total, 0
        self.next_mark = self._mark_after(0)
        self._draw(force=True)

    def _mark_after(self, count):
        if self.total:
            step = max(1, self.total // 10)
            return (count // step + 1) * step
        return (count // 1000 + 1) * 1000

    def step(self):
        self.count += 1
        if self.tty:
            now = time.monotonic()
            if now - self.last_draw >= 0.1:
                self.last_draw = now
                self._draw()
        elif self.count >= self.next_mark:
            self.next_mark = self._mark_after(self.count)
            self._draw()

    def finish(self):
        self._draw(force=True, final=True)

    def _draw(self, force=False, final=False):
        if not self.enabled:
            return
        if self.total:
            percent = 100 * self.count // self.total if self.total else 100
            text = f"{self.label}: {self.count}/{self.total} ({percent}%)"
        else:
            text = f"{self.label}: {self.count} items"
        if self.tty:
            self.stream.write(f"\r\x1b[K{text}", ending="\n" if final else "")
        elif force and not final and self.count == 0:
            self.stream.write(f"{text} …")
        else:
            self.stream.write(text)
        self.stream.flush()


@dataclass
class Outcome:
    """One item's result: created, updated or unchanged, and whether media were missing."""

    outcome: str
    missing: bool = False
