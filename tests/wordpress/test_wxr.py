"""Reading a WordPress export: streamed, and refused when it declares entities."""

from datetime import datetime

import pytest

from tests.wordpress.exports import DATA, SITE, item, wxr
from wordpress.wxr import WXRError, WXRItem, WXRSite, parse_wp_date, read_export


def test_reading_streams_items_and_forgets_them(tmp_path):
    path = tmp_path / "export.xml"
    path.write_text(wxr(*[item(n, name=f"p{n}") for n in range(1, 6)]))
    seen = list(read_export(path))
    assert isinstance(seen[0], WXRSite)
    assert seen[0].source == SITE
    assert [a.login for a in seen[0].authors] == ["jdoe", "mlee"]
    assert seen[0].categories["submarines"].parent == "naval"
    assert [i.post_id for i in seen[1:]] == ["1", "2", "3", "4", "5"]
    assert all(isinstance(i, WXRItem) for i in seen[1:])


def test_reader_refuses_entities_with_its_own_error():
    with pytest.raises(WXRError):
        list(read_export(DATA / "billion_laughs.xml"))


def test_wordpress_dates_are_read_and_its_empty_date_is_none():
    assert parse_wp_date("2013-01-05 17:00:49") == datetime(2013, 1, 5, 17, 0, 49)
    assert parse_wp_date("2013-01-05") == datetime(2013, 1, 5)
    assert parse_wp_date("0000-00-00 00:00:00") is None
    assert parse_wp_date("yesterday") is None
