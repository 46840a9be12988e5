"""The publisher's view: donations, gifts and supporters lists, the revenue numbers,
refunds and the CSV export, for the Revenue group only."""

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from giving import stripe_api
from giving.models import Donation, Gift, Supporter
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


def member(client, group):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return client


def paid(supporter, amount=1000, currency="EUR", frequency="once", article=None, **extra):
    return Donation.objects.create(
        supporter=supporter,
        amount=amount,
        currency=currency,
        frequency=frequency,
        status="succeeded",
        paid_at=timezone.now(),
        source_article=article,
        **extra,
    )


@pytest.fixture
def books():
    ada = Supporter.objects.create(email="ada@example.org", name="Ada", consent_at=timezone.now())
    bo = Supporter.objects.create(email="bo@example.org", consent_at=timezone.now())
    story = ArticleFactory(title="Inside the tank factory")
    Gift.objects.create(
        supporter=ada,
        frequency="month",
        amount=1000,
        currency="EUR",
        status="active",
        stripe_subscription="sub_a",
    )
    Gift.objects.create(
        supporter=bo,
        frequency="year",
        amount=12000,
        currency="EUR",
        status="active",
        stripe_subscription="sub_b",
    )
    Gift.objects.create(
        supporter=bo,
        frequency="month",
        amount=500,
        currency="EUR",
        status="cancelled",
        stripe_subscription="sub_c",
        cancelled_at=timezone.now(),
    )
    paid(ada, 2500, article=story)
    paid(bo, 700, article=story)
    Donation.objects.create(
        supporter=bo, amount=900, currency="EUR", frequency="once", status="failed"
    )
    return story


@pytest.mark.parametrize("group", ["Editor", "Feedback staff"])
def test_editors_and_feedback_staff_see_none_of_it(client, group, books):
    member(client, group)
    assert (
        not Group.objects.get(name=group)
        .permissions.filter(content_type__app_label="giving")
        .exists()
    )
    for url in (
        "/admin/giving/donation/",
        "/admin/giving/donation/revenue/",
        "/admin/giving/supporter/",
    ):
        assert client.get(url).status_code == 403, url


def test_revenue_view_shows_the_numbers(client, books):
    member(client, "Revenue")
    page = client.get("/admin/giving/donation/revenue/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "<strong>20.00 EUR</strong> a month, from 2 regular gifts" in body  # 10 + 120/12
    assert "32.00 EUR" in body  # one-time this month
    assert "Inside the tank factory" in body
    row = body.split(timezone.now().strftime("%B %Y"))[1].split("</tr>")[0]
    assert "<td>1</td>" in row  # one failed payment


def test_revenue_view_reads_a_fixed_number_of_queries(client, books, django_assert_num_queries):
    member(client, "Revenue")
    client.get("/admin/giving/donation/revenue/")
    with django_assert_num_queries(9) as first:
        client.get("/admin/giving/donation/revenue/")
    for n in range(20):
        paid(Supporter.objects.first(), 100 + n, article=books)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get("/admin/giving/donation/revenue/")


def test_donation_list_query_count_does_not_grow(client, books, django_assert_num_queries):
    member(client, "Revenue")
    client.get("/admin/giving/donation/")
    with django_assert_num_queries(9) as first:
        assert client.get("/admin/giving/donation/").status_code == 200
    for n in range(20):
        paid(Supporter.objects.first(), 100 + n, article=books)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get("/admin/giving/donation/")


def test_supporters_search_and_csv_export(client, books):
    member(client, "Revenue")
    found = client.get("/admin/giving/supporter/?q=ada").content.decode()
    assert "ada@example.org" in found and "bo@example.org" not in found
    ids = [str(s.pk) for s in Supporter.objects.all()]
    export = client.post(
        "/admin/giving/supporter/", {"action": "export_csv", "_selected_action": ids}
    )
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert lines[0] == "email,name,anonymous,since,regular gifts"
    assert any(line.startswith("bo@example.org,,no,") and line.endswith(",1") for line in lines)


def test_refund_from_the_admin(client, reader):
    reader.give(amount="25")
    donation = Donation.objects.get()
    member(client, "Revenue")
    client.post("/admin/giving/donation/", {"action": "refund", "_selected_action": [donation.pk]})
    donation.refresh_from_db()
    assert (donation.status, donation.refunded_amount) == ("refunded", 2500)
    refunds = stripe_api.client().v1.refunds.list(
        params={"payment_intent": donation.stripe_payment_intent}
    )
    assert [r.amount for r in refunds.data] == [2500]
