from django.contrib.postgres.expressions import ArraySubquery
from django.db.models.functions import JSONObject
from django.utils.functional import cached_property

from core.fragments import remember
from core.pagecache import shows

from .models import Page, SupportPage
from .structured_data import publisher_links


def _read_site_links():
    """(the support sentence, the published pages as unsaved Page objects): one query."""
    pages = (
        Page.objects.published()
        .order_by("footer_order", "title")
        .values(item=JSONObject(title="title", slug="slug"))
    )
    row = (
        SupportPage.objects.filter(pk=SupportPage.SINGLETON_PK)
        .values("cta_sentence")
        .annotate(pages=ArraySubquery(pages))
        .first()
    )
    if row is None:  # nobody has saved the support page yet: its default sentence
        sentence, items = SupportPage().cta_sentence, [item["item"] for item in pages]
    else:
        sentence, items = row["cta_sentence"], row["pages"]
    return sentence, [Page(title=item["title"], slug=item["slug"]) for item in items]


class SiteLinks:
    """The footer's pages and the support sentence under articles. Lazy: nothing is read
    until a template asks, and then both come from one query (the published pages ride
    along with the support page's row as a JSON array), kept in process memory until the
    content changes (core.fragments.remember)."""

    @cached_property
    def _data(self):
        return remember("site_links", _read_site_links, tags=["nav", "support"])

    @property
    def sentence(self):
        return self._data[0]

    @property
    def pages(self):
        """Published pages in footer order, as unsaved Page objects (title and URL only)."""
        return self._data[1]

    def publisher_links(self):
        """The publisher's policy and funding pages for structured data, linking only
        the pages that are published (no extra query: the footer reads the same row)."""
        return publisher_links({page.slug for page in self.pages})


def support(request):
    shows(request, "nav", "support", everywhere=True)  # the footer's pages, the support line
    links = SiteLinks()
    return {"support_links": links, "publisher_links": links.publisher_links}
