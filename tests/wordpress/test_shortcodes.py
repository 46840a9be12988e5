"""Shortcodes and embeds: captions and galleries become figures, players become links,
unknown shortcodes go and bracketed prose stays."""

from wordpress.content import convert_content
from wordpress.media import Attachment, ImageRef


def test_old_style_caption_attribute_becomes_a_figcaption():
    ref = ImageRef("/media/x.webp", "/media/x.webp 320w", 320, 200, "alt")
    html = convert_content(
        '[caption id="attachment_7" caption="Tanks on parade — Supplied: BSTU"]'
        '<img src="https://s.example/wp-content/uploads/2020/01/t.jpg" alt="Tanks">[/caption]',
        resolve_image=lambda attachment_id, src: ref if attachment_id == "7" else None,
    ).html
    assert html.startswith(
        '<figure class="image"><img loading="lazy" decoding="async" src="/media/x.webp"'
    )
    assert html.endswith(
        '<figcaption>Tanks on parade <span class="credit">(Supplied: BSTU)</span></figcaption>'
        "</figure>"
    )


def test_gallery_with_ids_lists_those_pictures_in_order():
    attachments = {
        n: Attachment(n, f"https://s.example/wp-content/uploads/2020/01/{n}.jpg", caption=f"C{n}")
        for n in ("1", "2", "3")
    }

    def resolve(attachment_id, src):
        return ImageRef(f"/media/{attachment_id}.webp", "", None, None, "")

    html = convert_content(
        '[gallery ids="3,1" columns="2"]', attachments=attachments, resolve_image=resolve
    ).html
    assert html.count("<figure") == 2
    assert html.index("/media/3.webp") < html.index("/media/1.webp")
    assert "<figcaption>C3</figcaption>" in html


def test_unknown_shortcodes_go_but_their_text_and_bracketed_prose_stay():
    html = convert_content(
        '[note type="info"]Read this.[/note] Budget [sic] up 3% [1]. [[caption]] '
        '[contact-form to="x@example.org"]'
    ).html
    assert html == "<p>Read this. Budget [sic] up 3% [1]. [caption] </p>"


def test_embeds_players_and_bare_links_become_plain_links():
    html = convert_content(
        "[embed]https://vimeo.com/12345[/embed]\n\n"
        "Watch https://example.org/inline stays text.\n\n"
        '<iframe src="https://www.youtube.com/embed/xyz"></iframe>\n\n'
        '[video mp4="https://s.example/clip.mp4"][/video]\n\n'
        "[youtube=https://www.youtube.com/watch?v=q1]"
    ).html
    assert '<a href="https://vimeo.com/12345" rel="noopener noreferrer">' in html
    assert "Watch https://example.org/inline stays text." in html
    assert '<a href="https://www.youtube.com/watch?v=xyz"' in html
    assert '<a href="https://s.example/clip.mp4"' in html
    assert '<a href="https://www.youtube.com/watch?v=q1"' in html
    assert "<iframe" not in html
