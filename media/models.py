"""The media library's models: the pictures articles show, and the tags to find them by.

The tables keep the names they had in the articles app (`articles_image`,
`articles_taggedimage`): the models moved in state only (media/migrations/0001_initial.py).
"""

import mimetypes
import re

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.encoding import filepath_to_uri
from django.utils.functional import cached_property
from imagekit.models import ImageSpecField
from imagekit.processors import ResizeToFill, ResizeToFit
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from core.images import CleanImageField, ToSRGB, make_renditions
from core.models import ImportKey

from . import renditions
from .renditions import WIDTHS, widths_for

# Large crops at 16:9, 4:3 and 1:1 for OpenGraph/Twitter cards and NewsArticle JSON-LD.
CROPS = {"crop_16x9": (1200, 675), "crop_4x3": (1200, 900), "crop_1x1": (1200, 1200)}


# A file name filepath_to_uri() leaves as it is (nothing to quote): joined as it is.
PLAIN_NAME = re.compile(r"[A-Za-z0-9_.\-/~!*()']*\Z")


def _url_of(storage):
    """storage.url: for files on this server (FileSystemStorage) by joining strings, as
    its url() does for a relative name without urllib's parsing (a listing shows forty
    pictures of eight renditions each)."""
    base = getattr(storage, "base_url", None) if isinstance(storage, FileSystemStorage) else None
    if not base or not base.endswith("/"):
        return storage.url

    def url(name):
        return base + (name if PLAIN_NAME.match(name) else filepath_to_uri(name)).lstrip("/")

    return url


def _urls(storage, file_name, width, names):
    """Image._rendition_urls from the row's values: {"srcset": [(width, url), ...], crop:
    url, ...}; while pending, the original stands in for every rendition."""
    if not names:
        # Pending: the original, labelled with its own width, stands in for every
        # rendition. Its URL is computed, not looked up.
        original = [(width or WIDTHS[0], storage.url(file_name))] if file_name else []
        return {"srcset": original, **{kind: original[0][1] for kind in CROPS if original}}
    url = _url_of(storage)
    return {
        "srcset": [(w, url(name)) for w, name in names.get("srcset", [])],
        **{kind: url(names[kind]) for kind in CROPS if kind in names},
    }


def _src(renditions, max_width):
    fitting = [url for w, url in renditions if w <= max_width]
    return fitting[-1] if fitting else renditions[0][1]


def picture(file_name, width, names, max_width=1280):
    """(src, srcset) of a picture from its row's values, as Image.src() and
    Image.srcset() give them: for listings that read them with their articles instead of
    building an Image each (articles.teasers)."""
    renditions = picture_renditions(file_name, width, names)
    srcset = ", ".join(f"{url} {w}w" for w, url in renditions)
    return (_src(renditions, max_width) if renditions else ""), srcset


def picture_renditions(file_name, width, names):
    """[(width, url)] of a picture's renditions, smallest first, from its row's values, as
    Image.renditions() gives them."""
    storage = Image._meta.get_field("file").storage
    if names:  # only the srcset's renditions (not the crops _urls() gives too)
        url = _url_of(storage)
        return [(w, url(name)) for w, name in names.get("srcset", [])]
    return _urls(storage, file_name, width, names)["srcset"]


def _rendition(width):
    return ImageSpecField(
        source="file",
        processors=[ToSRGB(), ResizeToFit(width=width, upscale=False)],
        format="WEBP",
        options={"quality": 80},
    )


def _crop(width, height):
    """A fixed-ratio crop for sharing cards and structured data: JPEG, which every crawler
    and social network reads."""
    return ImageSpecField(
        source="file",
        processors=[ToSRGB(), ResizeToFill(width, height)],
        format="JPEG",
        options={"quality": 82, "progressive": True},
    )


class Image(ImportKey):
    """One picture in the media library, with everything needed to publish it."""

    # Cleaned of metadata and stored under a random name on every path (core/images.py).
    file = CleanImageField(
        folder="images/%Y/%m/",
        width_field="width",
        height_field="height",
        help_text="JPEG, PNG, WebP or GIF.",
    )
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    alt_text = models.CharField(
        max_length=300,
        blank=True,
        help_text="What the picture shows, for readers who cannot see it. Required to publish "
        "as a lead image.",
    )
    caption = models.CharField(max_length=500, blank=True)
    credit = models.CharField(
        max_length=200,
        blank=True,
        help_text='Who took or supplied the picture, e.g. "Supplied: BSTU". Shown after the '
        "caption wherever the image appears, lead image or inside an article.",
    )
    tags = TaggableManager(
        through="TaggedImage",
        blank=True,
        help_text="Words to find the picture by in the image chooser, separated by commas.",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created = models.DateTimeField(auto_now_add=True)
    # Storage names of the renditions readers are offered ({"srcset": [[width, name], ...],
    # "crop_16x9": name, ...}), written by the background task once it has made them
    # (media/renditions.py), so a page view neither hashes imagekit specs nor asks the
    # storage about files. Empty: pending, and pages show the original.
    rendition_names = models.JSONField(default=dict, blank=True, editable=False)

    w320 = _rendition(320)
    w640 = _rendition(640)
    w960 = _rendition(960)
    w1280 = _rendition(1280)
    w1920 = _rendition(1920)
    CROPS = CROPS
    crop_16x9 = _crop(*CROPS["crop_16x9"])
    crop_4x3 = _crop(*CROPS["crop_4x3"])
    crop_1x1 = _crop(*CROPS["crop_1x1"])

    class Meta(ImportKey.Meta):
        db_table = "articles_image"  # the table it had in the articles app
        ordering = ["-created"]

    def __str__(self):
        return self.caption or self.alt_text or self.file.name.rsplit("/", 1)[-1]

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # A new or replaced file (or one still waiting) is pending until the task has made
        # its renditions. Pages show the original meanwhile (`renditions()`).
        IMAGE_FILES.saved(self)
        self.__dict__.pop("_rendition_urls", None)

    def get_absolute_url(self):
        return self.file.url

    def editable_by(self, user):
        """Whether `user` may change this image's description (alt text, caption, credit):
        who manages the library (media.change_image), and whoever uploaded it."""
        if user.has_perm("media.change_image"):
            return True
        return self.uploaded_by_id is not None and self.uploaded_by_id == user.pk

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self.__dict__.pop("_rendition_urls", None)

    @property
    def is_pending(self):
        """True until the background task has made this image's renditions."""
        return bool(self.file) and not self.rendition_names

    def widths(self):
        """The srcset widths this image offers once its renditions are made (no storage
        call, no spec hashing)."""
        return widths_for(self.width)

    def rendition_files(self):
        """{key: imagekit cache file} for every rendition readers are offered: "w320"…
        for the srcset widths, and the sharing crops."""
        files = {}
        for w in self.widths():
            attr = f"w{min(x for x in WIDTHS if x >= w)}"
            files[attr] = getattr(self, attr)
        files.update((kind, getattr(self, kind)) for kind in self.CROPS)
        return files

    def make_rendition_names(self):
        """The storage names of this image's renditions: the widths it can fill, smallest
        first, and the sharing crops (imagekit hashes each spec to name its file: done when
        the image is saved and by the task, never on a page view). Nothing is generated."""
        if not self.file:
            return {}
        return self._names_of({key: file.name for key, file in self.rendition_files().items()})

    def _names_of(self, names):
        """The stored shape of `names` ({key: storage name} from rendition_files())."""
        return {
            "srcset": [[w, names[f"w{min(x for x in WIDTHS if x >= w)}"]] for w in self.widths()],
            **{kind: names[kind] for kind in self.CROPS},
        }

    def generate_renditions(self):
        """Make the renditions that are not in storage yet and return their names (what
        `rendition_names` should hold). Safe to call again; raises if one cannot be made."""
        return self._names_of(make_renditions(self.rendition_files()))

    @cached_property
    def _rendition_urls(self):
        return _urls(self.file.storage, self.file.name, self.width, self.rendition_names)

    def renditions(self):
        """[(width, url)] for the widths this image can fill, smallest first. From the names
        the rendition task stored; while the image is pending, [(its width, the original)].
        Worked out once per image object."""
        return self._rendition_urls["srcset"]

    def crop_url(self, kind):
        """The URL of a sharing crop, `kind` one of CROPS ("crop_16x9", ...); the original
        while the image is pending."""
        return self._rendition_urls[kind]

    def crop_size(self, kind):
        """(width, height) of what crop_url(kind) shows: the crop's, or the original's
        while the image is pending."""
        return self.CROPS[kind] if not self.is_pending else (self.width, self.height)

    def crop_type(self, kind):
        """The MIME type of what crop_url(kind) shows (crops are JPEG)."""
        if not self.is_pending:
            return "image/jpeg"
        return mimetypes.guess_type(self.file.name)[0] or "image/jpeg"

    def srcset(self):
        return ", ".join(f"{url} {w}w" for w, url in self.renditions())

    def src(self, max_width=1280):
        """The fallback src: the largest rendition not wider than max_width (the original
        while the image is pending)."""
        return _src(self.renditions(), max_width)

    def display_width(self, max_width):
        """The width the picture is shown at when its src is `src(max_width)`, pending or
        not: the largest srcset width not wider than `max_width`."""
        widths = self.widths()
        return max([w for w in widths if w <= max_width] or widths[:1] or [self.width or 0])

    def height_for(self, width):
        if not self.width or not self.height:
            return None
        return round(self.height * width / self.width)


class TaggedImage(TaggedItemBase):
    content_object = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        db_table = "articles_taggedimage"  # the table it had in the articles app
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_image_unique"),
        ]


IMAGE_FILES = renditions.register(
    renditions.Pictures(
        Image,
        file_field="file",
        names_field="rendition_names",
        names="make_rendition_names",
        task="media.tasks.make_image_renditions",
    )
)


def crop(file_name, width, height, names, kind):
    """(url, width, height, MIME type) of the sharing crop `kind` from an image row's
    values, as Image.crop_url(), crop_size() and crop_type() give them, without building
    an Image (the article feeds read them with their articles: articles.feed_items)."""
    storage = Image._meta.get_field("file").storage
    if names or not file_name:
        return _url_of(storage)(names[kind]), *CROPS[kind], "image/jpeg"
    mime_type = mimetypes.guess_type(file_name)[0] or "image/jpeg"
    return storage.url(file_name), width, height, mime_type  # pending: the original
