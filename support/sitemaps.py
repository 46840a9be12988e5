"""The support page and the site's own published pages (about, contact, the policies...)
for core.sitemaps.PageSitemap; defenceblog/sitemaps.py serves them."""

from django.urls import reverse

from .models import Page, SupportPage


def pages():
    support = SupportPage.objects.filter(pk=SupportPage.SINGLETON_PK).first()
    return [(reverse("support:index"), support.modified if support else None)] + [
        (page.get_absolute_url(), page.modified) for page in Page.objects.published()
    ]
