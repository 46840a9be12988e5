import re
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, models
from django.db.models import Q, Sum
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.html import format_html

from core.links import instance_url
from core.models import ImportKey
from core.sanitize import clean_html

CLICK_WINDOW_DAYS = 30
DEFAULT_SENTENCE = (
    "If you would like to show your support for what we are doing, [here's where to do it]."
)
_LINK_PART = re.compile(r"\[([^\[\]]+)\]")


def validate_sentence(value):
    if value.count("[") != value.count("]") or len(_LINK_PART.findall(value)) > 1:
        raise ValidationError(
            "Mark at most one part of the sentence as the link, in square brackets.",
            code="brackets",
        )


class SupportPage(models.Model):
    """The support page and the sentence under every article. There is exactly one row."""

    SINGLETON_PK = 1

    title = models.CharField(max_length=120, default="Support Defence Blog")
    intro = models.TextField(
        "introduction", blank=True, help_text="A short opening paragraph or two, shown large."
    )
    body = models.TextField(
        blank=True,
        help_text="Why support matters and where the money goes. The donation options follow it.",
    )
    seo_description = models.CharField(
        "SEO description",
        max_length=200,
        blank=True,
        help_text="One sentence for search results and link previews.",
    )
    cta_sentence = models.CharField(
        "support sentence",
        max_length=300,
        default=DEFAULT_SENTENCE,
        validators=[validate_sentence],
        help_text="Shown at the end of every article. Put the words that link to the support "
        "page in square brackets; without brackets the whole sentence is the link.",
    )
    thanks_title = models.CharField(
        "thank-you title", max_length=120, default="Thank you for your support"
    )
    thanks_body = models.TextField(
        "thank-you message",
        blank=True,
        help_text="Shown at /support/thanks/, where payment providers send readers back. "
        "Set that address as the return URL in each provider's settings.",
    )
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "support page"
        verbose_name_plural = "support page"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="support_page_single_row"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_PK
        self.intro = clean_html(self.intro)
        self.body = clean_html(self.body)
        self.thanks_body = clean_html(self.thanks_body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("support:index")

    @classmethod
    def load(cls):
        """The one row, or an unsaved page with the default text if nobody has saved it yet."""
        return cls.objects.filter(pk=cls.SINGLETON_PK).first() or cls(pk=cls.SINGLETON_PK)


def render_sentence(sentence, url):
    """The support sentence as HTML: the [bracketed] words, or the whole sentence, link to url."""
    match = _LINK_PART.search(sentence)
    if match is None:
        return format_html('<p class="support-cta"><a href="{}">{}</a></p>', url, sentence)
    return format_html(
        '<p class="support-cta">{}<a href="{}">{}</a>{}</p>',
        sentence[: match.start()],
        url,
        match.group(1),
        sentence[match.end() :],
    )


class DonationOptionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def with_recent_clicks(self, days=CLICK_WINDOW_DAYS):
        """Annotate `recent_clicks`: clicks over the last `days` days, today included."""
        since = timezone.localdate() - timedelta(days=days - 1)
        return self.annotate(
            recent_clicks=Sum("clicks__count", filter=Q(clicks__day__gte=since), default=0)
        )


class DonationOption(models.Model):
    class Kind(models.TextChoices):
        ONE_TIME = "one_time", "One-time donation"
        MONTHLY = "monthly", "Monthly support"
        BANK = "bank", "Bank transfer"
        OTHER = "other", "Other ways to help"

    label = models.CharField(max_length=80, help_text='e.g. "Give once by card".')
    slug = models.SlugField(
        max_length=80,
        unique=True,
        help_text="Part of the tracked link /support/go/<slug>/. Changing it breaks links "
        "shared elsewhere.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ONE_TIME)
    description = models.CharField(
        max_length=400, blank=True, help_text="One or two plain sentences under the label."
    )
    button_text = models.CharField(
        max_length=60,
        blank=True,
        help_text='The button\'s words, e.g. "Donate with PayPal". Empty: "Continue".',
    )
    url = models.URLField(
        "provider URL",
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["https"])],
        help_text="The payment page at the provider (Stripe Payment Link, PayPal, Patreon…). "
        "Must start with https://. Readers go there through a tracked link.",
    )
    payment_details = models.TextField(
        blank=True,
        help_text="For bank transfers: account name, IBAN, BIC, reference. Shown as written, "
        "line by line.",
    )
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Lower numbers come first on the support page."
    )
    is_active = models.BooleanField(
        "active", default=True, help_text="Inactive options are hidden and their links are 404."
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = DonationOptionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "label"]
        constraints = [
            models.CheckConstraint(
                condition=Q(url="") | Q(url__startswith="https://"),
                name="donation_option_url_is_https",
            ),
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(payment_details=""),
                name="donation_option_has_url_or_details",
            ),
        ]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("support:index") + f"#option-{self.slug}"

    def get_tracked_url(self):
        return reverse("support:go", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.kind in (self.Kind.ONE_TIME, self.Kind.MONTHLY) and not self.url:
            raise ValidationError({"url": "One-time and monthly options need the provider URL."})
        if self.kind == self.Kind.BANK and not self.payment_details.strip():
            raise ValidationError({"payment_details": "Bank transfers need the account details."})
        if not self.url and not self.payment_details.strip():
            raise ValidationError("Give either a provider URL or payment details.")

    def record_click(self, day=None):
        """Count one click for `day` (today): a single INSERT … ON CONFLICT DO UPDATE, so
        concurrent clicks never overwrite each other and each day has one row."""
        table = connection.ops.quote_name(DonationClick._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (option_id, day, count) VALUES (%s, %s, 1) "  # noqa: S608
                f"ON CONFLICT (option_id, day) DO UPDATE SET count = {table}.count + 1",
                [self.pk, day or timezone.localdate()],
            )


class DonationClick(models.Model):
    """How many readers followed an option's tracked link on one day."""

    option = models.ForeignKey(DonationOption, on_delete=models.CASCADE, related_name="clicks")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "option_id"]
        constraints = [
            models.UniqueConstraint(fields=["option", "day"], name="donation_click_one_row_per_day")
        ]

    def __str__(self):
        return f"{self.option}: {self.count} on {self.day:%Y-%m-%d}"


class PageQuerySet(models.QuerySet):
    def published(self):
        """The only way reader code fetches pages."""
        return self.filter(is_published=True)


class Page(ImportKey):
    """One of the site's own pages: about, contact, advertise, the policies. Pages a
    WordPress import made carry its import key; the importer never touches one without."""

    title = models.CharField(max_length=120)
    slug = models.SlugField(
        max_length=80,
        unique=True,
        help_text="The address: /<slug>/. Other parts of the site link to about, contact, "
        "advertise, privacy, corrections-policy and ethics: keep those.",
    )
    body = models.TextField(blank=True)
    seo_description = models.CharField(
        "SEO description",
        max_length=200,
        blank=True,
        help_text="One sentence for search results and link previews.",
    )
    is_published = models.BooleanField(
        "published",
        default=True,
        help_text="Unpublished pages are hidden from readers and the footer; staff still see "
        "them on the site.",
    )
    footer_order = models.PositiveSmallIntegerField(
        default=0, help_text="Lower numbers come first in the footer."
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta(ImportKey.Meta):
        ordering = ["footer_order", "title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = clean_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return instance_url(self, "support:page", slug=self.slug)

    def clean(self):
        super().clean()
        if self.slug and self._address_is_taken():
            raise ValidationError({"slug": f"/{self.slug}/ is already another part of the site."})

    def _address_is_taken(self):
        """True when /<slug>/ or an address under it (/tag/…) belongs to another route."""
        for path in (f"/{self.slug}/", f"/{self.slug}/x/"):
            try:
                match = resolve(path)
            except Resolver404:
                continue
            if match.view_name != "support:page":
                return True
        return False
