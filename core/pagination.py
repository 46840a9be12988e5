"""Listings that cost the same on page 1 and page 1,000: "older stories" links carry the
last shown item's (published_at, id) key, so each page reads one index range and never
counts the listing.

Old `?page=N` links keep working: up to `max_offset_page` they are served with OFFSET (at
most a few hundred rows skipped through the index); deeper ones are answered with a
permanent redirect to the equivalent `?before=` page, found by reading the one row before it.
"""

from datetime import UTC, datetime, timedelta

from django.db.models import Q
from django.http import Http404, HttpResponsePermanentRedirect

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def encode_key(published_at, pk):
    """`1732761600123456-42`: microseconds since the epoch, then the id."""
    delta = published_at - _EPOCH
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return f"{micros}-{pk}"


def decode_key(value):
    """The (published_at, id) of a `before=` value; Http404 when it is not one."""
    try:
        micros, pk = value.split("-")
        return _EPOCH + timedelta(microseconds=int(micros)), int(pk)
    except (ValueError, OverflowError):
        raise Http404("Not a valid listing position") from None


class KeysetPage:
    """One page of a newest-first listing, without a total. `number` is the old page
    number when the page was asked for by `?page=N`, None after a `?before=` key."""

    def __init__(self, rows, per_page, number, key=""):
        self.object_list = rows[:per_page]
        self.number = number
        self.key = key  # the `before=` value this page was asked for by
        self.next_key = ""
        if len(rows) > per_page:
            last = self.object_list[-1]
            self.next_key = encode_key(last.published_at, last.pk)

    def has_next(self):
        return bool(self.next_key)

    def has_previous(self):
        return self.number != 1

    def has_other_pages(self):
        return self.has_next() or self.has_previous()

    def previous_page_number(self):
        """The page before a `?page=N` one; after a key, newer stories start at page 1."""
        return self.number - 1 if self.number else 1

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)


def after_key(key_field, published_at, pk):
    """The rows after the key (published_at, pk) in a newest-first listing ordered by
    `key_field` (then id), as one Q: the plain bound makes the index range start at the
    key; the OR only settles ties at that exact time. One filter() call, so that a key on
    a link table reuses the listing's own join instead of adding one per condition."""
    return Q(**{f"{key_field}__lte": published_at}) & (
        Q(**{f"{key_field}__lt": published_at}) | Q(**{key_field: published_at, "pk__lt": pk})
    )


class KeysetListMixin:
    """For a ListView whose queryset is a newest-first listing that reads its own pages:
    `page(before, offset, count)` gives `count` rows from `offset`, or after the key
    `before` ((published_at, id): `after_key()`), each with `published_at` and `pk`
    (articles.querysets.Listing, compiled once per process)."""

    paginate_by = 20
    max_offset_page = 50

    def get(self, request, *args, **kwargs):
        number = self._page_number()
        if number is not None and number > self.max_offset_page:
            return self._redirect_to_key(number)
        return super().get(request, *args, **kwargs)

    def _page_number(self):
        raw = self.request.GET.get("page")
        if raw is None or "before" in self.request.GET:
            return None
        try:
            number = int(raw)
        except ValueError:
            raise Http404("That page number is not an integer") from None
        if number < 1:
            raise Http404("That page number is less than 1")
        return number

    def _redirect_to_key(self, number):
        skipped = (number - 1) * self.get_paginate_by(None)
        rows = self.get_queryset().page(None, skipped - 1, 1)
        if not rows:
            raise Http404("That page contains no results")
        params = self.request.GET.copy()
        params.pop("page")
        params["before"] = encode_key(rows[0].published_at, rows[0].pk)
        return HttpResponsePermanentRedirect(f"{self.request.path}?{params.urlencode()}")

    def paginate_queryset(self, queryset, page_size):
        before = self.request.GET.get("before")
        if before:
            published_at, pk = decode_key(before)
            rows, number = queryset.page((published_at, pk), 0, page_size + 1), None
            before = encode_key(published_at, pk)  # canonical spelling
        else:
            number = self._page_number() or 1
            rows = queryset.page(None, (number - 1) * page_size, page_size + 1)
        if not rows and (before or number > 1):
            raise Http404("That page contains no results")
        page = KeysetPage(rows, page_size, number, before or "")
        return None, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        params.pop("before", None)
        context["page_query"] = params.urlencode()
        return context
