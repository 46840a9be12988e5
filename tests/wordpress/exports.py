"""Small WordPress exports written by the tests, and helpers to run the import on them."""

import io
from pathlib import Path

from django.core.management import call_command
from PIL import Image as PILImage

DATA = Path(__file__).parent / "data"
SITE = "https://harbourwatch.example"


def run_import(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_wordpress", *[str(a) for a in args], stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def write_jpeg(path, width=800, height=600, color=(40, 90, 150)):
    path.parent.mkdir(parents=True, exist_ok=True)
    PILImage.new("RGB", (width, height), color).save(path, "JPEG")


def _counts(report, kind):
    line = next(line for line in report.splitlines() if line.startswith(kind + " "))
    return [int(n) for n in line.split()[1:]]


def counts_line(report, kind):
    """[created, updated, unchanged, skipped, failed, missing media] for one kind."""
    return _counts(report, kind)[:6]


def kept_count(report, kind):
    """The "kept (edited here)" column for one kind: rows edited on this site, left alone."""
    return _counts(report, kind)[6]


# ---------------------------------------------------------------------------------------
# A small export written in each test
# ---------------------------------------------------------------------------------------

AUTHORS = """
<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[jdoe]]></wp:author_login>
<wp:author_email><![CDATA[jdoe@harbourwatch.example]]></wp:author_email>
<wp:author_display_name><![CDATA[Jane Doe]]></wp:author_display_name>
<wp:author_first_name><![CDATA[Jane]]></wp:author_first_name>
<wp:author_last_name><![CDATA[Doe]]></wp:author_last_name>
<wp:author_description><![CDATA[Jane covers naval shipbuilding and the ports.]]>
</wp:author_description>
</wp:author>
<wp:author><wp:author_id>2</wp:author_id><wp:author_login>mlee</wp:author_login>
<wp:author_display_name><![CDATA[Min Lee]]></wp:author_display_name>
</wp:author>
"""
CATEGORIES = """
<wp:category><wp:term_id>1</wp:term_id><wp:category_nicename>defence</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Defence]]></wp:cat_name></wp:category>
<wp:category><wp:term_id>2</wp:term_id><wp:category_nicename>naval</wp:category_nicename>
<wp:category_parent>defence</wp:category_parent><wp:cat_name><![CDATA[Naval]]></wp:cat_name></wp:category>
<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>submarines</wp:category_nicename>
<wp:category_parent>naval</wp:category_parent><wp:cat_name><![CDATA[Submarines]]></wp:cat_name></wp:category>
<wp:category><wp:term_id>4</wp:term_id><wp:category_nicename>opinion</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Opinion]]></wp:cat_name></wp:category>
<wp:category><wp:term_id>5</wp:term_id><wp:category_nicename>uncategorized</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Uncategorized]]></wp:cat_name></wp:category>
<wp:tag><wp:term_id>9</wp:term_id><wp:tag_slug>frigates</wp:tag_slug><wp:tag_name><![CDATA[Frigates]]></wp:tag_name></wp:tag>
"""


def item(
    post_id,
    *,
    post_type="post",
    title="Frigate leaves harbour",
    status="publish",
    date="2024-03-05 09:30:00",
    gmt=None,
    name=None,
    content="The frigate sailed at dawn.",
    excerpt="",
    creator="jdoe",
    link=None,
    parent=0,
    password="",
    sticky=0,
    terms=(),
    meta=None,
    attachment_url="",
    menu_order=0,
):
    name = f"post-{post_id}" if name is None else name
    day = date.split()[0].replace("-", "/")
    link = link if link is not None else f"{SITE}/{day}/{name}/"
    gmt = date if gmt is None else gmt
    terms_xml = "".join(
        f'<category domain="{domain}" nicename="{nicename}"><![CDATA[{label}]]></category>'
        for domain, nicename, label in terms
    )
    meta_xml = "".join(
        f"<wp:postmeta><wp:meta_key>{key}</wp:meta_key>"
        f"<wp:meta_value><![CDATA[{value}]]></wp:meta_value></wp:postmeta>"
        for key, values in (meta or {}).items()
        for value in (values if isinstance(values, list) else [values])
    )
    attachment = (
        f"<wp:attachment_url>{attachment_url}</wp:attachment_url>" if attachment_url else ""
    )
    post_id_xml = f"<wp:post_id>{post_id}</wp:post_id>" if post_id is not None else ""
    return f"""
<item>
<title>{title}</title>
<link>{link}</link>
<guid isPermaLink="false">{SITE}/?p={post_id}</guid>
<dc:creator><![CDATA[{creator}]]></dc:creator>
<content:encoded><![CDATA[{content}]]></content:encoded>
<excerpt:encoded><![CDATA[{excerpt}]]></excerpt:encoded>
{post_id_xml}
<wp:post_date>{date}</wp:post_date>
<wp:post_date_gmt>{gmt}</wp:post_date_gmt>
<wp:post_name>{name}</wp:post_name>
<wp:status>{status}</wp:status>
<wp:post_parent>{parent}</wp:post_parent>
<wp:menu_order>{menu_order}</wp:menu_order>
<wp:post_type>{post_type}</wp:post_type>
<wp:post_password>{password}</wp:post_password>
<wp:is_sticky>{sticky}</wp:is_sticky>
{attachment}{terms_xml}{meta_xml}
</item>"""


def wxr(*items, version="1.2", authors=AUTHORS, categories=CATEGORIES):
    ns = f"http://wordpress.org/export/{version}/"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="{ns}excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="{ns}">
<channel>
<title>Harbour Watch</title>
<link>{SITE}</link>
<wp:wxr_version>{version}</wp:wxr_version>
<wp:base_site_url>{SITE}</wp:base_site_url>
<wp:base_blog_url>{SITE}</wp:base_blog_url>
{authors}{categories}{"".join(items)}
</channel>
</rss>"""


def frigate_attachments():
    return [
        item(
            201,
            post_type="attachment",
            title="frigate",
            status="inherit",
            parent=101,
            name="frigate",
            link=f"{SITE}/2024/03/05/frigate-leaves-harbour/frigate/",
            attachment_url=f"{SITE}/wp-content/uploads/2024/03/frigate.jpg",
            excerpt="A frigate leaves harbour (Photo: Navy Press Office)",
            meta={"_wp_attachment_image_alt": "Grey frigate at sea"},
            menu_order=1,
        ),
        item(
            202,
            post_type="attachment",
            title="crew",
            status="inherit",
            parent=101,
            name="crew",
            attachment_url=f"{SITE}/wp-content/uploads/2024/03/crew.jpg",
            excerpt="The crew on deck",
            meta={"_wp_attachment_image_alt": "Sailors lined up on deck"},
            menu_order=2,
        ),
        item(
            203,
            post_type="attachment",
            title="dock",
            status="inherit",
            parent=101,
            attachment_url=f"{SITE}/wp-content/uploads/2024/03/dock.jpg",
            menu_order=3,
        ),
        item(
            204,
            post_type="attachment",
            title="broken",
            status="inherit",
            parent=0,
            attachment_url=f"{SITE}/wp-content/uploads/2024/03/broken.jpg",
        ),
    ]


UPLOADS = f"{SITE}/wp-content/uploads/2024/03"
FRIGATE_BODY = (
    "The frigate left the harbour at dawn on Tuesday.\nCrowds watched from the breakwater.\n\n"
    f'[caption id="attachment_201" align="aligncenter" width="300"]<a href="{UPLOADS}/frigate.jpg">'
    f'<img class="size-medium wp-image-201" src="{UPLOADS}/frigate-300x200.jpg" '
    'alt="Frigate at sea" width="300" height="200" /></a> '
    "The frigate passes the breakwater (Photo: Navy Press Office)[/caption]\n\n"
    "https://www.youtube.com/watch?v=abc123XYZ\n\n"
    "[gallery]\n\n"
    f'<img src="{UPLOADS}/dock-1024x768.jpg" alt="The dock" />\n\n'
    '<script>alert("x")</script><a href="javascript:alert(1)">a link</a>'
)


def frigate_post(**overrides):
    values = dict(
        title="Frigate leaves harbour",
        name="frigate-leaves-harbour",
        content=FRIGATE_BODY,
        excerpt="The <em>frigate</em> sailed at dawn.",
        sticky=1,
        terms=[
            ("category", "naval", "Naval"),
            ("post_tag", "frigates", "Frigates"),
            ("category", "uncategorized", "Uncategorized"),
        ],
        meta={"_thumbnail_id": "201"},
    )
    values.update(overrides)
    return item(101, **values)
