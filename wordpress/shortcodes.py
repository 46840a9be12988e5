"""Shortcodes and embeds, done the way WordPress would, reduced to what our articles hold.

- A bare link alone on a line (or alone in a paragraph), and `[embed]`, `[video]`, `[audio]`
  and `[youtube]`-style shortcodes, become plain links: WordPress would embed a player; we
  never do.
- `[caption]` becomes `<figure><img><figcaption>caption <span class="credit">(credit)</span>
  </figcaption></figure>`, the credit split off by `text.split_credit`.
- `[gallery]` becomes one figure per picture: the attachments in `ids="…"` (or
  `include="…"`), in that order, or with no ids the post's own image attachments in
  WordPress's order (menu order, then id), less any in `exclude="…"`. `orderby="rand"` is
  ignored: an import must be repeatable.
- Other shortcodes are removed, keeping the text they wrap. A bracketed word counts as a
  shortcode when WordPress or a common plugin registers that name, when it has a closing
  `[/name]`, or when it carries `key=value` attributes; "[sic]" or "[1]" in prose is left
  alone.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence

from .autop import replace_in_html_tags
from .media import Attachment, MissingImage
from .text import plain_text, split_credit

# Names WordPress core or widely used plugins (Jetpack, WordPress.com) register. Any other
# bracketed word is a shortcode only when it has a closing tag or key=value attributes.
KNOWN_SHORTCODES = frozenset(
    {
        "caption",
        "wp_caption",
        "gallery",
        "playlist",
        "audio",
        "video",
        "embed",
        "youtube",
        "vimeo",
        "wpvideo",
        "videopress",
        "dailymotion",
        "ted",
        "tweet",
        "twitter",
        "instagram",
        "soundcloud",
        "spotify",
        "googlemaps",
        "googleapps",
        "slideshow",
        "tiled-gallery",
        "contact-form",
        "contact-field",
        "polldaddy",
        "crowdsignal",
        "archives",
        "sitemap",
        "recipe",
        "code",
        "sourcecode",
        "scribd",
        "flickr",
        "facebook",
        "pinterest",
        "gravityform",
        "contact-form-7",
    }
)
VIDEO_SHORTCODES = frozenset(
    {"youtube", "vimeo", "dailymotion", "ted", "video", "audio", "embed", "wpvideo", "videopress"}
)
MEDIA_ATTRIBUTES = ("src", "url", "mp4", "m4v", "webm", "ogv", "wmv", "flv", "mp3", "ogg", "wav")

_ATTS_RE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)"""
    r"""|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)"""
    r"""|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)"""
    r"""|"([^"]*)"(?:\s|$)"""
    r"""|'([^']*)'(?:\s|$)"""
    r"""|(\S+)(?:\s|$)"""
)
_NAME_CANDIDATE_RE = re.compile(r"\[\[?([\w-]+)")


def shortcode_attributes(text: str) -> dict:
    """shortcode_parse_atts(): named attributes (lower-cased keys) and positional ones
    (integer keys 0, 1, …)."""
    text = re.sub("[\u00a0\u200b]+", " ", text or "")
    atts: dict = {}
    position = 0
    for m in _ATTS_RE.finditer(text):
        if m.group(1):
            atts[m.group(1).lower()] = m.group(2)
        elif m.group(3):
            atts[m.group(3).lower()] = m.group(4)
        elif m.group(5):
            atts[m.group(5).lower()] = m.group(6)
        else:
            value = next((g for g in m.group(7, 8, 9) if g is not None), "")
            atts[position] = value
            position += 1
    return atts


def shortcode_names(text: str) -> list[str]:
    names = set()
    for name in set(_NAME_CANDIDATE_RE.findall(text)):
        escaped = re.escape(name)
        if (
            name.lower() in KNOWN_SHORTCODES
            or f"[/{name}]" in text
            or re.search(r"\[" + escaped + r"(?![\w-])[^\]]*=", text)
            or re.search(r"\[" + escaped + r"(?![\w-])[^\]]*/\]", text)
        ):
            names.add(name)
    # Longest first, so "contact-form" is not taken for "contact".
    return sorted(names, key=len, reverse=True)


def _shortcode_regex(names: Sequence[str]) -> re.Pattern:
    """get_shortcode_regex() for these names."""
    tagregexp = "|".join(re.escape(n) for n in names)
    return re.compile(
        r"\[(\[?)"
        r"(" + tagregexp + r")"
        r"(?![\w-])"
        r"([^\]/]*(?:/(?!\])[^\]/]*)*?)"
        r"(?:(/)\]|\](?:([^\[]*+(?:\[(?!/\2\])[^\[]*+)*+)\[/\2\])?)"
        r"(\]?)",
        re.DOTALL,
    )


def shortcode_unautop_regex(names: Sequence[str]) -> re.Pattern:
    """shortcode_unautop(): a shortcode alone in a paragraph loses the paragraph."""
    tagregexp = "|".join(re.escape(n) for n in names)
    spaces = r"(?:[\r\n\t ]|\xa0|&nbsp;)"
    return re.compile(
        r"<p>" + spaces + r"*+"
        r"(\[(" + tagregexp + r")(?![\w-])"
        r"[^\]/]*(?:/(?!\])[^\]/]*)*?"
        r"(?:/\]|\](?:[^\[]*+(?:\[(?!/\2\])[^\[]*+)*+\[/\2\])?))" + spaces + r"*+</p>",
        re.DOTALL,
    )


_AUTOEMBED_LINE_RE = re.compile(r"^(\s*)(https?://[^\s<>\"]+)(\s*)$", re.IGNORECASE | re.MULTILINE)
_AUTOEMBED_P_RE = re.compile(r"(<p(?: [^>]*)?>\s*)(https?://[^\s<>\"]+)(\s*</p>)", re.IGNORECASE)
_CAPTION_CONTENT_RE = re.compile(
    r"((?:<a [^>]+>\s*)?<img [^>]+>(?:\s*</a>)?)(.*)", re.IGNORECASE | re.DOTALL
)
_URL_RE = re.compile(r"https?://[^\s<>\"'\]]+", re.IGNORECASE)


def _link(url: str) -> str:
    url = html.unescape(url)
    escaped = html.escape(url, quote=True)
    return f'<a href="{escaped}">{html.escape(url, quote=False)}</a>'


def autoembed(text: str) -> str:
    """WP_Embed::autoembed(): a URL alone on its line (or alone in a paragraph) — WordPress
    would embed a player; we make it a plain link."""
    text = replace_in_html_tags(text, "\n", "<!-- wp-line-break -->")
    if re.search(r"(^|\s|>)https?://", text, re.IGNORECASE):

        def replace(m):
            return m.group(1) + _link(m.group(2)) + m.group(3)

        text = _AUTOEMBED_LINE_RE.sub(replace, text)
        text = _AUTOEMBED_P_RE.sub(replace, text)
    return text.replace("<!-- wp-line-break -->", "\n")


class Shortcodes:
    """Renders one post's shortcodes; the pictures its galleries could not find are
    collected in `missing`."""

    def __init__(self, post_id, attachments, children):
        self.post_id = post_id or ""
        self.attachments: Mapping[str, Attachment] = attachments or {}
        self.children: Mapping[str, Sequence[str]] = children or {}
        self.missing: list[MissingImage] = []

    def do_shortcodes(self, text: str) -> str:
        if "[" not in text:
            return text
        names = shortcode_names(text)
        if not names:
            return text
        return _shortcode_regex(names).sub(self._shortcode, text)

    def _shortcode(self, m: re.Match) -> str:
        if m.group(1) == "[" and m.group(6) == "]":  # [[escaped]] → [escaped], literally
            return m.group(0)[1:-1]
        name = m.group(2).lower()
        atts = shortcode_attributes(m.group(3) or "")
        content = m.group(5) or ""
        handler = {
            "caption": self._caption,
            "wp_caption": self._caption,
            "gallery": self._gallery,
        }.get(name)
        if handler:
            return m.group(1) + handler(atts, content) + m.group(6)
        if name in VIDEO_SHORTCODES:
            url = self._media_url(name, atts, m.group(3) or "", content)
            return m.group(1) + (_link(url) if url else "") + m.group(6)
        # Anything else: removed, keeping the text it wraps (with its own shortcodes done).
        return m.group(1) + self.do_shortcodes(content) + m.group(6)

    @staticmethod
    def _media_url(name, atts, raw_attributes, content) -> str:
        raw = raw_attributes.strip()
        if raw.startswith("="):  # WordPress.com: [youtube=https://…]
            candidate = raw[1:].strip().strip("\"'")
            if candidate.lower().startswith(("http://", "https://")):
                return candidate
        for key in MEDIA_ATTRIBUTES:
            value = str(atts.get(key, "")).strip()
            if value.lower().startswith(("http://", "https://")):
                return value
        for key, value in atts.items():
            if isinstance(key, int) and str(value).lower().startswith(("http://", "https://")):
                return str(value)
        found = _URL_RE.search(plain_text(content)) if content else None
        if found:
            return found.group(0)
        if name in ("wpvideo", "videopress") and atts.get(0):
            guid = re.sub(r"[^A-Za-z0-9]", "", str(atts[0]))
            if guid:
                return f"https://videopress.com/v/{guid}"
        return ""

    def _caption(self, atts, content) -> str:
        caption = atts.get("caption")
        if caption is None:
            m = _CAPTION_CONTENT_RE.search(content)
            if m:
                content, caption = m.group(1), m.group(2).strip()
            else:
                caption = ""
        inner = self.do_shortcodes(content).strip()
        if not inner:
            return ""
        # Our figure, not WordPress's width-styled div; the picture keeps its attachment id.
        attachment_id = re.sub(r"\D", "", str(atts.get("id", "")))
        if attachment_id:
            inner = re.sub(
                r"<img\b",
                f'<img data-wp-attachment="{attachment_id}"',
                inner,
                count=1,
                flags=re.IGNORECASE,
            )
        return "<figure>" + inner + self._figcaption(*split_credit(caption)) + "</figure>"

    @staticmethod
    def _figcaption(caption_html: str, credit: str) -> str:
        parts = [caption_html] if caption_html else []
        if credit:
            parts.append(f'<span class="credit">({html.escape(plain_text(credit))})</span>')
        return f"<figcaption>{' '.join(parts)}</figcaption>" if parts else ""

    def _gallery(self, atts, content) -> str:
        ids_value = str(atts.get("ids") or atts.get("include") or "")
        ids = [i for i in re.split(r"[\s,]+", ids_value) if i.isdigit()]
        if not ids:
            parent = str(atts.get("id") or self.post_id)
            exclude = set(re.split(r"[\s,]+", str(atts.get("exclude", ""))))
            ids = [i for i in self.children.get(parent, ()) if i not in exclude]
        figures = []
        for attachment_id in ids:
            attachment = self.attachments.get(attachment_id)
            if attachment is None:
                self.missing.append(MissingImage("", attachment_id))
                continue
            if not attachment.is_image:
                continue
            img = (
                f'<img data-wp-attachment="{attachment_id}" '
                f'src="{html.escape(attachment.url)}" alt="{html.escape(attachment.alt)}">'
            )
            figures.append(
                "<figure>"
                + img
                + self._figcaption(html.escape(attachment.caption), attachment.credit)
                + "</figure>"
            )
        return "\n".join(figures)
