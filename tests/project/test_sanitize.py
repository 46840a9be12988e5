from html.parser import HTMLParser

import pytest

from core.sanitize import canonical_html, clean_html

FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "form", "input", "base", "svg"}
FORBIDDEN_TAGS |= {"style", "math", "noscript"}
URL_ATTRIBUTES = ("href", "src", "srcset")


class Elements(HTMLParser):
    """Every element a browser would build from some HTML: (tag, {attribute: value})."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.comments = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    def handle_comment(self, data):
        self.comments.append(data)


CKEDITOR_OUTPUT = (
    "<h2>Heading</h2><p><strong>Bold</strong> and <i>italic</i> with a "
    '<a href="https://example.org/report">link</a>.</p>'
    "<blockquote><p>Quoted words.</p></blockquote>"
    "<ul><li>One</li><li>Two</li></ul><ol><li>First</li></ol>"
    '<figure class="image"><img src="/media/images/a.webp" alt="A ship" width="640" '
    'height="480" srcset="/media/a-320.webp 320w, /media/a-640.webp 640w" sizes="100vw">'
    "<figcaption>A ship (Supplied: Navy)</figcaption></figure>"
    '<figure class="table"><table><thead><tr><th>Year</th></tr></thead>'
    "<tbody><tr><td>2024</td></tr></tbody></table></figure>"
)


def test_ckeditor_output_survives():
    cleaned = clean_html(CKEDITOR_OUTPUT)
    for fragment in [
        "<h2>Heading</h2>",
        "<strong>Bold</strong>",
        '<figure class="image">',
        'srcset="/media/a-320.webp 320w, /media/a-640.webp 640w"',
        "<figcaption>A ship (Supplied: Navy)</figcaption>",
        '<figure class="table"><table>',
        "<blockquote>",
        'alt="A ship"',
    ]:
        assert fragment in cleaned


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
        '<iframe src="https://evil.example/"></iframe>',
        '<object data="evil.swf"></object><embed src="evil.swf">',
        '<svg onload="alert(1)"><script>alert(1)</script></svg>',
        '<form action="https://evil.example/"><input name="p"></form>',
        '<base href="https://evil.example/">',
        '<p style="background:url(javascript:alert(1))">x</p>',
        "<style>body{display:none}</style>",
        "<!--<img src=x onerror=alert(1)>-->",
        "<math><mtext><table><mglyph><style><!--</style>"
        '<img title="--&gt;&lt;img src=1 onerror=alert(1)&gt;">',
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
        '<img srcset="javascript:alert(1) 1x">',
        '<details open ontoggle="alert(1)">',
        '<a href="https://example.org" onmouseover="alert(1)">x</a>',
        '<img src="//evil.example/pixel.gif">',
    ],
)
def test_xss_payloads_are_neutralised(payload):
    cleaned = clean_html(payload).lower()
    assert "<script" not in cleaned
    assert "javascript:" not in cleaned
    assert "style=" not in cleaned
    assert "<!--" not in cleaned
    assert "//evil.example" not in cleaned
    parsed = Elements(cleaned)
    assert parsed.comments == []
    for tag, attributes in parsed.found:
        assert tag not in FORBIDDEN_TAGS
        assert [name for name in attributes if name.startswith("on")] == [], tag
        assert "style" not in attributes, tag
        for name in URL_ATTRIBUTES:
            value = (attributes.get(name) or "").strip().lower()
            assert not value.startswith(("javascript:", "data:", "//")), (tag, name, value)


def test_body_pictures_load_lazily():
    cleaned = clean_html('<img src="/a.webp" alt="x" loading="eager">')
    assert 'loading="lazy"' in cleaned and 'decoding="async"' in cleaned
    assert "eager" not in cleaned


def test_links_get_safe_rel():
    assert 'rel="noopener noreferrer"' in clean_html('<a href="https://example.org">x</a>')


def test_empty_body_stays_empty():
    assert clean_html("") == ""
    assert clean_html(None) == ""


def test_cleaning_is_stable_so_reimports_see_no_change():
    once = clean_html('<p>x</p><img src="/a.webp" alt="a" width="2" height="1">')
    assert clean_html(once) == once


def test_canonical_html_ignores_attribute_order_layout_and_entities():
    written = '<figure class="image"><img src="/media/a.jpg" alt="Dock &amp; crane" width="10">'
    rewritten = (
        '<figure class="image">\n  <img width="10" alt="Dock &#38; crane" src="/media/a.jpg">'
    )
    assert canonical_html(written + "</figure><p>A  ship</p>") == canonical_html(
        rewritten + "\n</figure>\n<p>A ship</p>"
    )


def test_canonical_html_sees_changed_words_values_and_spaces_between_words():
    body = '<p>A <em>grey</em> ship</p><img src="/media/a.jpg" alt="Dock">'
    assert canonical_html(body) != canonical_html(body.replace("grey", "blue"))
    assert canonical_html(body) != canonical_html(body.replace('alt="Dock"', 'alt="Quay"'))
    assert canonical_html(body) != canonical_html(body.replace("A <em>", "A<em>"))
