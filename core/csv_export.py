"""Spreadsheet exports from the admin (error reports, newsletter subscribers), streamed
row by row so a large export never sits whole in memory."""


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
