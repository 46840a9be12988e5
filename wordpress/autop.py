"""wpautop: a faithful port of WordPress's wp-includes/formatting.php.

Blank lines make paragraphs, single newlines make `<br />`, block tags are left alone.
Like WordPress, the conversion skips it for block-editor content (`<!-- wp:… -->`), which has
its own markup.
"""

from __future__ import annotations

import re

# PHP's PCRE \s (without /u) is ASCII whitespace; Python's is Unicode (it would eat
# non-breaking spaces). re.ASCII keeps WordPress's behaviour.
_A = re.ASCII

_ALLBLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre"
    r"|form|map|area|blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article"
    r"|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)

# get_html_split_regex(): comments, CDATA, or ordinary tags. Python has no conditional on a
# look-ahead, so the two escaped forms are alternatives guarded by their own look-aheads.
_HTML_SPLIT_RE = re.compile(
    r"(<(?:"
    r"(?=!--)!(?:-(?!->)[^\-]*+)*+(?:-->)?"
    r"|(?=!\[CDATA\[)!\[CDATA\[[^\]]*+(?:](?!]>)[^\]]*+)*+(?:]]>)?"
    r"|[^>]*>?"
    r"))"
)


def replace_in_html_tags(text: str, needle: str, replacement: str) -> str:
    """wp_replace_in_html_tags() for one pair: replace only inside tags and comments."""
    parts = _HTML_SPLIT_RE.split(text)
    changed = False
    for i in range(1, len(parts), 2):
        if needle in parts[i]:
            parts[i] = parts[i].replace(needle, replacement)
            changed = True
    return "".join(parts) if changed else text


_AUTOP_STEPS = {
    "br_br": re.compile(r"<br\s*/?>\s*<br\s*/?>", _A),
    "block_open": re.compile(r"(<" + _ALLBLOCKS + r"[\s/>])", _A),
    "block_close": re.compile(r"(</" + _ALLBLOCKS + r">)", _A),
    "hr": re.compile(r"(<hr\s*?/?>)", _A),
    "option_before": re.compile(r"\s*<option", _A),
    "option_after": re.compile(r"</option>\s*", _A),
    "object_open": re.compile(r"(<object[^>]*>)\s*", _A),
    "object_close": re.compile(r"\s*</object>", _A),
    "param_embed": re.compile(r"\s*(</?(?:param|embed)[^>]*>)\s*", _A),
    "av_open": re.compile(r"([<\[](?:audio|video)[^>\]]*[>\]])\s*", _A),
    "av_close": re.compile(r"\s*([<\[]/(?:audio|video)[>\]])", _A),
    "source_track": re.compile(r"\s*(<(?:source|track)[^>]*>)\s*", _A),
    "figcaption_open": re.compile(r"\s*(<figcaption[^>]*>)", _A),
    "figcaption_close": re.compile(r"</figcaption>\s*", _A),
    "many_newlines": re.compile(r"\n\n+", _A),
    "paragraph_split": re.compile(r"\n\s*\n", _A),
    "empty_p": re.compile(r"<p>\s*</p>", _A),
    "unclosed_p": re.compile(r"<p>([^<]+)</(div|address|form)>", _A),
    "p_around_block": re.compile(r"<p>\s*(</?" + _ALLBLOCKS + r"[^>]*>)\s*</p>", _A),
    "p_around_li": re.compile(r"<p>(<li.+?)</p>", _A),
    "p_blockquote": re.compile(r"<p><blockquote([^>]*)>", _A | re.IGNORECASE),
    "p_before_block": re.compile(r"<p>\s*(</?" + _ALLBLOCKS + r"[^>]*>)", _A),
    "p_after_block": re.compile(r"(</?" + _ALLBLOCKS + r"[^>]*>)\s*</p>", _A),
    "preserve": re.compile(r"<(script|style|svg|math).*?</\1>", _A | re.DOTALL),
    "newline_to_br": re.compile(r"(?<!<br />)\s*\n", _A),
    "br_after_block": re.compile(r"(</?" + _ALLBLOCKS + r"[^>]*>)\s*<br />", _A),
    "br_before_block": re.compile(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", _A),
    "trailing_newline": re.compile(r"\n</p>$", _A),
}


def wpautop(text: str, br: bool = True) -> str:
    """Replace double line breaks with paragraphs and single ones with <br />, exactly as
    WordPress's wpautop() does."""
    s = _AUTOP_STEPS
    if text.strip() == "":
        return ""
    pre_tags: dict[str, str] = {}
    text = text + "\n"

    # Pre tags shouldn't be touched by autop: placeholders now, content back at the end.
    if "<pre" in text:
        text_parts = text.split("</pre>")
        last_part = text_parts.pop()
        text = ""
        i = 0
        for text_part in text_parts:
            start = text_part.find("<pre")
            if start == -1:  # malformed HTML
                text += text_part
                continue
            name = f"<pre wp-pre-tag-{i}></pre>"
            pre_tags[name] = text_part[start:] + "</pre>"
            text += text_part[:start] + name
            i += 1
        text += last_part

    text = s["br_br"].sub("\n\n", text)
    text = s["block_open"].sub(lambda m: "\n\n" + m.group(1), text)
    text = s["block_close"].sub(lambda m: m.group(1) + "\n\n", text)
    text = s["hr"].sub(lambda m: m.group(1) + "\n\n", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = replace_in_html_tags(text, "\n", " <!-- wpnl --> ")

    if "<option" in text:
        text = s["option_before"].sub("<option", text)
        text = s["option_after"].sub("</option>", text)
    if "</object>" in text:
        text = s["object_open"].sub(r"\1", text)
        text = s["object_close"].sub("</object>", text)
        text = s["param_embed"].sub(r"\1", text)
    if "<source" in text or "<track" in text:
        text = s["av_open"].sub(r"\1", text)
        text = s["av_close"].sub(r"\1", text)
        text = s["source_track"].sub(r"\1", text)
    if "<figcaption" in text:
        text = s["figcaption_open"].sub(r"\1", text)
        text = s["figcaption_close"].sub("</figcaption>", text)

    text = s["many_newlines"].sub("\n\n", text)
    paragraphs = [p for p in s["paragraph_split"].split(text) if p != ""]
    text = "".join("<p>" + p.strip("\n") + "</p>\n" for p in paragraphs)

    text = s["empty_p"].sub("", text)
    text = s["unclosed_p"].sub(r"<p>\1</p></\2>", text)
    text = s["p_around_block"].sub(r"\1", text)
    text = s["p_around_li"].sub(r"\1", text)
    text = s["p_blockquote"].sub(r"<blockquote\1><p>", text)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = s["p_before_block"].sub(r"\1", text)
    text = s["p_after_block"].sub(r"\1", text)

    if br:
        text = s["preserve"].sub(lambda m: m.group(0).replace("\n", "<WPPreserveNewline />"), text)
        text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
        text = s["newline_to_br"].sub("<br />\n", text)
        text = text.replace("<WPPreserveNewline />", "\n")

    text = s["br_after_block"].sub(r"\1", text)
    text = s["br_before_block"].sub(r"\1", text)
    text = s["trailing_newline"].sub("</p>", text)

    for name, original in pre_tags.items():
        text = text.replace(name, original)
    if "<!-- wpnl -->" in text:
        text = text.replace(" <!-- wpnl --> ", "\n").replace("<!-- wpnl -->", "\n")
    return text
