import io
import struct
import zlib
from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import Article, ArticleAuthor, Section
from authors.models import Author
from media.models import Image
from media.tasks import make_image_renditions
from support.models import DonationOption, Page


def image_bytes(width=64, height=48, fmt="JPEG", color=(30, 90, 160)):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), color).save(buffer, fmt)
    return buffer.getvalue()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    name = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Reporter Number{n}")
    slug = factory.Sequence(lambda n: f"reporter-{n}")
    role = "Defence Correspondent"
    short_bio = "Covers procurement and the armed forces."


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Image
        skip_postgeneration_save = True

    file = factory.LazyFunction(lambda: ContentFile(image_bytes(), name="picture.jpg"))
    alt_text = "A patrol vessel at sea"
    caption = "A patrol vessel on exercise"
    credit = "Supplied: Navy"

    @factory.post_generation
    def renditions(self, create, extracted, **kwargs):
        """Made at once, as the background task would (its run is enqueued only when the
        test's transaction commits): ImageFactory(renditions=False) stays pending."""
        if create and extracted is not False and self.file:
            make_image_renditions.call(self.pk)
            self.refresh_from_db(fields=["rendition_names"])


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Frigate programme reaches milestone {n}")
    slug = factory.Sequence(lambda n: f"frigate-milestone-{n}")
    standfirst = "The first hull enters the water ahead of schedule."
    body = "<p>The shipyard confirmed the launch on Tuesday.</p>"
    section = factory.SubFactory(SectionFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.Sequence(lambda n: timezone.now() - timedelta(hours=n + 1))

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if not create:
            return
        for position, author in enumerate(extracted or []):
            ArticleAuthor.objects.create(article=self, author=author, position=position)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            # One at a time: taggit adds a batch in set order (which varies with Python's
            # string hashing per process), and pages show tags in the order they were added.
            for name in extracted:
                self.tags.add(name)


class DonationOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DonationOption

    label = factory.Sequence(lambda n: f"Way to give {n}")
    slug = factory.Sequence(lambda n: f"way-to-give-{n}")
    kind = DonationOption.Kind.ONE_TIME
    description = "Any amount, by card."
    button_text = "Give now"
    url = factory.Sequence(lambda n: f"https://example.org/pay/{n}")
    order = factory.Sequence(lambda n: n)


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page
        django_get_or_create = ["slug"]

    title = factory.Sequence(lambda n: f"Site page {n}")
    slug = factory.Sequence(lambda n: f"site-page-{n}")
    body = "<p>What this page is about.</p>"
    footer_order = factory.Sequence(lambda n: n)


def png_claiming(width, height):
    """A tiny PNG whose header claims the given size (how decompression bombs look)."""

    def chunk(kind, data):
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )
