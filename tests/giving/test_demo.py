import pytest
from django.contrib.auth.models import Group

from demo.giving import load_giving
from giving.models import Donation, Gift, Supporter
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_demo_gives_the_revenue_view_numbers_and_loads_twice_without_duplicates(client):
    ArticleFactory.create_batch(3)
    load_giving()
    counts = (Supporter.objects.count(), Gift.objects.count(), Donation.objects.count())
    load_giving()
    assert (Supporter.objects.count(), Gift.objects.count(), Donation.objects.count()) == counts
    assert counts[0] == 5
    assert Donation.objects.filter(status="failed").count() == 1
    assert Donation.objects.filter(status="refunded").count() == 1
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="Revenue"))
    client.force_login(user)
    body = client.get("/admin/giving/donation/revenue/").content.decode()
    # 10 + 5 + 25 monthly, and a twelfth of 120 a year
    assert "<strong>50.00 EUR</strong> a month, from 4 regular gifts" in body
