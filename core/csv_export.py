"""Spreadsheet exports from the admin (error reports, newsletter subscribers), streamed
row by row so a large export never sits whole in memory."""

import csv

from django.http import StreamingHttpResponse
from django.utils import timezone


def csv_safe(value):
    """Text for a spreadsheet cell: readers wrote it, so a leading = + - @ must not turn
    into a formula when staff open the file."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


class Echo:
    """A file-like object whose write() returns what it is given: csv.writer(Echo())
    turns each row into the text a StreamingHttpResponse yields."""

    def write(self, value):
        return value


def csv_download(name, header, rows):
    """A streamed `name-YYYY-MM-DD-HHMM.csv` download: `header`, then each of `rows` (an
    iterable of value tuples, read lazily), every cell made spreadsheet-safe."""
    writer = csv.writer(Echo())

    def lines():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([csv_safe(value) for value in row])

    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response
