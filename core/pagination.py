"""Listings that cost the same on page 1 and page 1,000: "older stories" links carry the
last shown item's (published_at, id) key, so each page reads one index range and never
counts the listing.

Old `?page=N` links keep working: up to `max_offset_page` they are served with OFFSET (at
most a few hundred rows skipped through the index); deeper ones are answered with a
permanent redirect to the equivalent `?before=` page, found by reading only the keys.
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


class KeysetListMixin:
    """For a ListView whose queryset is ordered newest first by (published_at, id).
    `key_field` is the column the order reads, when it is not the article's own: a copy
    on a link table (`ArticleQuerySet.listed_through`), so `?before=` pages bound the
    same index the order walks."""

    paginate_by = 20
    max_offset_page = 50
    key_field = "published_at"

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
        keys = self.get_queryset().values_list("published_at", "pk")[skipped - 1 : skipped]
        if not keys:
            raise Http404("That page contains no results")
        params = self.request.GET.copy()
        params.pop("page")
        params["before"] = encode_key(*keys[0])
        return HttpResponsePermanentRedirect(f"{self.request.path}?{params.urlencode()}")

    def paginate_queryset(self, queryset, page_size):
        before = self.request.GET.get("before")
        if before:
            published_at, pk = decode_key(before)
            # The plain bound makes the index range start at the key; the OR only settles
            # ties at that exact time. One filter() call, so that a key on a link table
            # reuses the listing's own join instead of adding one per condition.
            key = self.key_field
            queryset = queryset.filter(
                Q(**{f"{key}__lte": published_at})
                & (Q(**{f"{key}__lt": published_at}) | Q(**{key: published_at, "pk__lt": pk}))
            )
            rows, number = list(queryset[: page_size + 1]), None
            before = encode_key(published_at, pk)  # canonical spelling
        else:
            number = self._page_number() or 1
            start = (number - 1) * page_size
            rows = list(queryset[start : start + page_size + 1])
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
