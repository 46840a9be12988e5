"""The private iCalendar feeds: no sign-in (a calendar app cannot sign in), the signed
address is the key. Never cached anywhere, never indexed."""

from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import calendar


@never_cache
@require_GET
def calendar_feed(request, token):
    feed = calendar.feed_from_token(token)
    if feed is None:
        raise Http404("This calendar address is not valid any more.")
    response = HttpResponse(calendar.ical(feed), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="planning.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
