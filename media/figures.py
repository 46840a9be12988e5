"""Pictures inside article bodies (any body of HTML), kept true to the media library.

Every inline picture an editor, the importer or the demo puts in a body is a media-library
image (CKEditor uploads go there too). When an article is saved, its `save()` calls
`sync_pictures`, which looks the body's pictures up in the library (one query) and writes
into the body what the library knows:

- `width` and `height` on every <img> that lacks whole-number ones (the size of the
  `src` rendition, so the page keeps its layout while the picture loads);
- the renditions' `src` and `srcset` on a picture that shows the original because it was
  written while the image was pending (media/renditions.py);
- the image's credit, from its `credit` field, as ``<span class="credit">(…)</span>`` at
  the end of the figure's caption. Editors change a credit in the media library or in the
  article form's "Pictures in the body" panel (articles/admin/pictures.py, which lists a
  body's pictures with `body_pictures`), never by typing it into a caption;
  `media_library.recredit` rewrites the bodies that show it.

`figure_html` is the one way code writes an inline figure (the demo content, tests).
"""

import html
import re
from functools import reduce
from operator import or_
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db.models import Q
from django.utils.html import escape

from core.images import rendition_stem
from core.sanitize import BODY_IMAGE_SIZES

from .models import Image

_FIGURE = re.compile(r"<figure\b[^>]*>.*?</figure>", re.IGNORECASE | re.DOTALL)
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_FIGCAPTION = re.compile(r"(<figcaption\b[^>]*>)(.*?)(</figcaption>)", re.IGNORECASE | re.DOTALL)
_CREDIT = re.compile(r'\s*<span class="credit">.*?</span>', re.IGNORECASE | re.DOTALL)
_SRC = re.compile(r'\ssrc="([^"]*)"')
_SIZE = re.compile(r'\s(width|height)="([^"]*)"')
BODY_SIZES = "100vw"  # what CKEditor writes; the sanitiser turns it into the body's sizes


def credit_html(credit):
    return f'<span class="credit">({escape(credit)})</span>' if credit else ""


def inline_size(image):
    """(width, height) of the rendition an inline picture's src shows (the same while the
    image is pending and its original stands in)."""
    width = image.display_width(settings.INLINE_IMAGE_MAX_WIDTH)
    return width, image.height_for(width)


def set_attribute(tag, name, value, add=True):
    """The <img> `tag` with attribute `name` set to `value` (added if missing and `add`)."""
    attribute = re.compile(rf'(\s{name}=")[^"]*(")')
    if attribute.search(tag):
        return attribute.sub(lambda m: f"{m.group(1)}{escape(value)}{m.group(2)}", tag, count=1)
    if not add:
        return tag
    return f'{tag[:-1].rstrip().rstrip("/").rstrip()} {name}="{escape(value)}">'


def _with_renditions(tag, image):
    """A picture written while `image` was pending shows its original: once the renditions
    are made, the tag gets their src and srcset."""
    found = _SRC.search(tag)
    if image.is_pending or not found or not _shows_original(found.group(1), image):
        return tag
    tag = set_attribute(tag, "src", image.src(settings.INLINE_IMAGE_MAX_WIDTH))
    if not re.search(r'\ssizes="', tag):
        tag = set_attribute(tag, "sizes", BODY_IMAGE_SIZES)
    return set_attribute(tag, "srcset", image.srcset())


def _shows_original(url, image):
    """Whether `url` is the address of `image`'s original. Compared by path: a private
    original's address is signed, with a query string that changes at every signing."""
    path = unquote(urlsplit(html.unescape(url).strip()).path)
    return not _is_rendition(url) and path.endswith(f"/{image.file.name}")


def figure_html(image, caption=None):
    """An inline figure as CKEditor 5 stores it: the picture's renditions and size, and a
    caption (the image's own unless given) followed by the image's credit."""
    width, height = inline_size(image)
    size = f' width="{width}" height="{height}"' if height else ""
    caption = image.caption if caption is None else caption
    text = " ".join(part for part in (escape(caption), credit_html(image.credit)) if part)
    figcaption = f"<figcaption>{text}</figcaption>" if text else ""
    return (
        f'<figure class="image"><img src="{image.src(settings.INLINE_IMAGE_MAX_WIDTH)}" '
        f'srcset="{image.srcset()}" sizes="{BODY_SIZES}" alt="{escape(image.alt_text)}" '
        f"{size}>{figcaption}</figure>"
    )


# --- Finding a body's pictures in the library ---------------------------------------------


def _media_key(url):
    """A media URL → (folder, stem) of the file it shows: 'images/2026/11', '<stem>' for an
    original or a rendition (whose stem is core.images.rendition_stem of the original's
    name). None for anything outside the media folder."""
    path = unquote(urlsplit(url.strip()).path)
    media = urlsplit(settings.MEDIA_URL).path
    if not path.startswith(media):
        return None
    relative = PurePosixPath(path[len(media) :])
    renditions = settings.IMAGEKIT_CACHEFILE_DIR.strip("/")
    parts = relative.parts
    if parts and parts[0] == renditions:
        relative = PurePosixPath(*parts[1:]) if len(parts) > 1 else PurePosixPath()
    folder = str(relative.parent)
    if not relative.name or folder in ("", "."):
        return None
    return folder, relative.name.split(".", 1)[0]


def _is_rendition(url):
    path = unquote(urlsplit(url.strip()).path)
    media = urlsplit(settings.MEDIA_URL).path
    renditions = settings.IMAGEKIT_CACHEFILE_DIR.strip("/")
    return path.startswith(f"{media}{renditions}/")


def _keys_of(image):
    name = PurePosixPath(image.file.name)
    folder = str(name.parent)
    # Files stored before renaming had renditions named from the original's stem.
    return {(folder, name.stem), (folder, rendition_stem(image.file.name))}


def library_images(urls):
    """{url: Image} for the media-library images the given URLs show, in one query (the
    candidates are the images stored in the URLs' month folders)."""
    keys = {url: key for url in urls if (key := _media_key(url))}
    if not keys:
        return {}
    # A rendition's address hides the original's name (a keyed HMAC of it): the candidates
    # are every image of its month folder. An original's address names its file, so it
    # needs only that one (the importer and pending pictures write originals: reading a
    # whole folder per article was most of a 10,000-post import with pictures).
    folders = {folder for url, (folder, _stem) in keys.items() if _is_rendition(url)}
    originals = {
        f"{folder}/{stem}." for url, (folder, stem) in keys.items() if folder not in folders
    }
    wanted = [Q(file__startswith=f"{folder}/") for folder in sorted(folders)]
    wanted += [Q(file__startswith=prefix) for prefix in sorted(originals)]
    candidates = Image.objects.filter(reduce(or_, wanted)).only(
        "pk",
        "file",
        "width",
        "height",
        "alt_text",
        "caption",
        "credit",
        "rendition_names",
        "uploaded_by",
    )
    by_key = {key: image for image in candidates for key in _keys_of(image)}
    return {url: by_key[key] for url, key in keys.items() if key in by_key}


def _has_size(tag):
    sizes = dict(_SIZE.findall(tag))
    return all(
        sizes.get(name, "").isdigit() and int(sizes[name]) > 0 for name in ("width", "height")
    )


def _with_size(tag, image):
    if _has_size(tag) or not image.width:
        return tag
    width, height = inline_size(image)
    tag = _SIZE.sub("", tag)
    return f'{tag[:-1].rstrip().rstrip("/").rstrip()} width="{width}" height="{height}">'


def _with_credit(figure, credit):
    """The figure with its caption ending in `credit` (a caption is added if need be)."""
    match = _FIGCAPTION.search(figure)
    if match is None:
        return figure.replace(
            "</figure>", f"<figcaption>{credit_html(credit)}</figcaption></figure>"
        )
    text = _CREDIT.sub("", match.group(2)).rstrip()
    text = f"{text} {credit_html(credit)}" if text else credit_html(credit)
    return figure[: match.start(2)] + text + figure[match.end(2) :]


def sync_pictures(body):
    """`body` with each media-library picture given its size (when it has none) and each
    figure's credit taken from the image's credit field. One query when the body has
    pictures, none otherwise. Pictures from elsewhere are left as they are."""
    if "<img" not in body:
        return body
    srcs = {m.group(1) for tag in _IMG.findall(body) if (m := _SRC.search(tag))}
    images = library_images(srcs)
    if not images:
        return body

    def image_of(tag):
        found = _SRC.search(tag)
        return images.get(found.group(1)) if found else None

    def sized(match):
        image = image_of(match.group(0))
        if image is None:
            return match.group(0)
        return _with_renditions(_with_size(match.group(0), image), image)

    def credited(match):
        figure = match.group(0)
        tag = _IMG.search(figure)
        image = image_of(tag.group(0)) if tag else None
        if image is None or not image.credit:
            return figure
        return _with_credit(figure, image.credit)

    return _IMG.sub(sized, _FIGURE.sub(credited, body))


def recredit_body(body, image):
    keys = _keys_of(image)

    def shows_image(figure):
        tag = _IMG.search(figure)
        src = _SRC.search(tag.group(0)) if tag else None
        return bool(src) and _media_key(src.group(1)) in keys

    def rewrite(match):
        figure = match.group(0)
        if not shows_image(figure):
            return figure
        if image.credit:
            return _with_credit(figure, image.credit)
        caption = _FIGCAPTION.search(figure)
        if caption is None:
            return figure
        text = _CREDIT.sub("", caption.group(2)).rstrip()
        if not text:
            return figure[: caption.start()] + figure[caption.end() :]
        return figure[: caption.start(2)] + text + figure[caption.end(2) :]

    return _FIGURE.sub(rewrite, body)


# --- What the editor typed about a picture, kept in the library ---------------------------

_ALT = re.compile(r'\salt="([^"]*)"')


def _typed_descriptions(body):
    """[(src, alt text, caption)] of the figures in `body`, as typed in the editor: the
    caption without the credit the site adds, both as plain text."""
    found = []
    for figure in _FIGURE.findall(body):
        tag = _IMG.search(figure)
        src = tag and _SRC.search(tag.group(0))
        if not src:
            continue
        alt = _ALT.search(tag.group(0))
        caption = _FIGCAPTION.search(figure)
        caption_text = _CREDIT.sub("", caption.group(2)) if caption else ""
        found.append(
            (
                src.group(1),
                html.unescape(alt.group(1)).strip() if alt else "",
                " ".join(html.unescape(re.sub(r"<[^>]+>", "", caption_text)).split()),
            )
        )
    return found


def body_pictures(body):
    """[(image, alt text, caption)] for each media-library image `body` shows, in the order
    it first appears, with the alt text and caption typed for it in the body (the caption
    without its credit). One query when the body has figures, none otherwise."""
    typed = _typed_descriptions(body or "")
    if not typed:
        return []
    images = library_images({src for src, _alt, _caption in typed})
    found = {}
    for src, alt, caption in typed:
        image = images.get(src)
        if image is not None and image.pk not in found:
            found[image.pk] = (image, alt, caption)
    return list(found.values())


def keep_typed_descriptions(body):
    """Give each media-library image in `body` the alt text and caption typed for it in the
    editor, where the library has none yet (a picture uploaded from the editor arrives
    without them). What the library already says is never overwritten. One query to find
    the images, one update per image described."""
    typed = [entry for entry in _typed_descriptions(body) if entry[1] or entry[2]]
    if not typed:
        return
    images = library_images({src for src, _alt, _caption in typed})
    for src, alt, caption in typed:
        image = images.get(src)
        if image is None:
            continue
        fields = {}
        if alt and not image.alt_text:
            fields["alt_text"] = alt[: Image._meta.get_field("alt_text").max_length]
            image.alt_text = fields["alt_text"]
        if caption and not image.caption:
            fields["caption"] = caption[: Image._meta.get_field("caption").max_length]
            image.caption = fields["caption"]
        if fields:
            Image.objects.filter(pk=image.pk).update(**fields)
