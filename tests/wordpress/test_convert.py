"""Converting one WordPress item, with no database: the content pipeline and
`convert_post`."""

import io
from datetime import UTC, datetime

import pytest

from tests.wordpress.exports import UPLOADS, item, wxr
from wordpress.content import convert_content
from wordpress.convert import ExportContext, Skipped, convert_post
from wordpress.html_tree import same_html
from wordpress.media import Attachment, ImageRef, uploads_path
from wordpress.text import split_credit
from wordpress.wxr import WXRItem, read_export


def test_block_editor_content_is_not_autopd():
    html = convert_content("<!-- wp:paragraph -->\n<p>One\ntwo</p>\n<!-- /wp:paragraph -->").html
    assert html == "<p>One\ntwo</p>"


def test_a_picture_that_cannot_be_matched_is_removed_with_its_figure_and_reported():
    result = convert_content(
        '[caption id="attachment_9"]<img src="https://s.example/wp-content/uploads/a.jpg"> '
        'A caption[/caption]\n\nText with <img src="https://elsewhere.example/b.png"> inside.'
    )
    assert result.html == "<p>Text with  inside.</p>"
    assert [(m.src, m.attachment_id) for m in result.missing_images] == [
        ("https://s.example/wp-content/uploads/a.jpg", "9"),
        ("https://elsewhere.example/b.png", None),
    ]


def test_markup_compares_equal_whatever_the_attribute_order():
    assert same_html('<img src="a" alt="b" loading="lazy">', '<img loading="lazy" alt="b" src="a">')
    assert not same_html('<img src="a">', '<img src="b">')


def test_headings_and_definition_lists_fit_our_body():
    html = convert_content("<h1>Big</h1><h6>Small</h6><dl><dt>Term</dt><dd>Meaning</dd></dl>").html
    assert html == "<h2>Big</h2>\n<h4>Small</h4>\n<p><strong>Term</strong></p>\n<p>Meaning</p>"


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        ("Sailors on deck (Photo: Royal Navy)", ("Sailors on deck", "Photo: Royal Navy")),
        ("Sailors on deck. Photo by J. Smith", ("Sailors on deck.", "Photo by J. Smith")),
        ("A tank | Credit: Army", ("A tank", "Credit: Army")),
        ("Courtesy of the museum", ("", "Courtesy of the museum")),
        ("Image Alignment 580x300", ("Image Alignment 580x300", "")),
        ("A view of the image: blurred", ("A view of the image: blurred", "")),
    ],
)
def test_credits_are_recognised_only_in_their_standard_forms(caption, expected):
    assert split_credit(caption) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://s.example/wp-content/uploads/2013/09/x.jpg", "2013/09/x.jpg"),
        ("https://s.example/wp-content/uploads/sites/3/2013/09/x.jpg", "2013/09/x.jpg"),
        ("https://blog.files.wordpress.com/2013/09/x.jpg?w=604", "2013/09/x.jpg"),
        ("/wp-content/uploads/2013/09/a%20b.jpg", "2013/09/a b.jpg"),
        ("https://s.example/wp-content/uploads/../../etc/passwd", None),
        ("https://elsewhere.example/x.jpg", None),
    ],
)
def test_media_addresses_map_into_the_uploads_folder(url, expected):
    assert uploads_path(url) == expected


# ---------------------------------------------------------------------------------------
# convert_post: one item, everything it needs, no database
# ---------------------------------------------------------------------------------------


def wxr_item(**values):
    """The first item of a small export, as the reader yields it."""
    path = io.BytesIO(wxr(item(101, **values)).encode())
    return next(obj for obj in read_export(path) if isinstance(obj, WXRItem))


def read_site():
    return next(iter(read_export(io.BytesIO(wxr().encode()))))


CONTEXT = ExportContext(
    attachments={"201": Attachment("201", f"{UPLOADS}/frigate.jpg")},
    resolve_image=lambda attachment_id, src: (
        ImageRef("/media/frigate.webp", "", 1200, 800, "Frigate")
        if attachment_id == "201"
        else None
    ),
    categories=read_site().categories,
    section_map={"defence": "News"},
    default_section="Latest",
)


def test_a_post_converts_to_every_field_of_an_article_without_the_database():
    post = convert_post(
        wxr_item(
            title="Frigate &amp; crew leave harbour",
            name="frigate-leaves-harbour",
            content=f'Sailed at dawn.\n\n<img class="wp-image-201" src="{UPLOADS}/frigate.jpg">'
            f'\n\n<img src="{UPLOADS}/dock.jpg">',
            excerpt="The <em>frigate</em> sailed.",
            sticky=1,
            terms=[("category", "submarines", "Submarines"), ("post_tag", "f", "Frigates")],
            meta={"_thumbnail_id": "201", "_wp_old_slug": "frigate-sails"},
        ),
        CONTEXT,
    )
    assert post.title == "Frigate & crew leave harbour"
    assert post.slug == "frigate-leaves-harbour"
    assert post.body.startswith("<p>Sailed at dawn.</p>\n<p><img")
    assert 'src="/media/frigate.webp"' in post.body and "dock" not in post.body
    assert [m.src for m in post.missing_images] == [f"{UPLOADS}/dock.jpg"]
    assert post.excerpt == "The frigate sailed."
    assert (post.status, post.published_at) == (
        "published",
        datetime(2024, 3, 5, 9, 30, tzinfo=UTC),
    )
    assert post.featured and post.author_login == "jdoe"
    # "submarines" sits under "naval" under the mapped "defence".
    assert post.section == "News"
    assert post.tag_names == ["Submarines", "Frigates"]
    assert post.lead_image_id == "201"
    assert post.old_paths == [
        "/2024/03/05/frigate-leaves-harbour/",
        "/2024/03/05/frigate-sails/",
    ]


def test_a_post_with_no_mapped_category_gets_the_default_section():
    assert convert_post(wxr_item(terms=[("category", "opinion", "Opinion")]), CONTEXT).section == (
        "Latest"
    )


def test_pages_have_no_date_and_stay_drafts_when_wordpress_hides_them():
    page = convert_post(wxr_item(post_type="page", name="about", status="publish"))
    assert (page.is_published, page.published_at, page.kept_draft) == (True, None, "")
    hidden = convert_post(wxr_item(post_type="page", name="about", password="x"))
    assert (hidden.is_published, hidden.kept_draft) == (False, "password-protected")
    scheduled = convert_post(wxr_item(post_type="page", status="future"))
    assert (scheduled.is_published, scheduled.kept_draft) == (False, "future")


def test_trash_is_skipped_with_its_reason():
    with pytest.raises(Skipped, match="status trash"):
        convert_post(wxr_item(status="trash"))
