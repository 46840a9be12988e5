import io

import pytest

from demo.support_pages import load_support_pages
from support.models import DonationOption, Page, SupportPage

pytestmark = pytest.mark.django_db

FIXED_SLUGS = {
    "about",
    "contact",
    "advertise",
    "privacy",
    "corrections-policy",
    "ethics",
    "masthead",
    "publishing-principles",
    "verification",
    "feedback-policy",
}


def test_demo_fills_the_support_page_options_and_all_ten_pages(client):
    out = io.StringIO()
    assert load_support_pages(stdout=out) == {"options": 4, "pages": 10}

    assert "Support demo ready" in out.getvalue()
    assert SupportPage.load().intro.startswith("<p>Defence Blog is read by")
    assert set(Page.objects.published().values_list("slug", flat=True)) == FIXED_SLUGS
    options = list(DonationOption.objects.active())
    assert {o.kind for o in options} == {"one_time", "monthly", "bank"}
    assert all(o.url.startswith("https://example.org/") for o in options if o.url)
    bank = DonationOption.objects.get(kind="bank")
    assert "EXAMPLE ONLY" in bank.payment_details
    for option in options:
        option.full_clean()
    for page in Page.objects.all():
        page.full_clean()
        assert client.get(page.get_absolute_url()).status_code == 200
    assert client.get("/support/").status_code == 200


def test_loading_the_demo_again_adds_nothing_and_keeps_editors_changes():
    load_support_pages()
    support = SupportPage.load()
    support.title = "Edited by the editor"
    support.save()
    Page.objects.filter(slug="about").update(title="About us (edited)")

    assert load_support_pages() == {"options": 0, "pages": 0}
    assert SupportPage.load().title == "Edited by the editor"
    assert Page.objects.get(slug="about").title == "About us (edited)"
    assert DonationOption.objects.count() == 4 and Page.objects.count() == 10
