"""The beacon endpoint, /stats/hit: the cheapest request the site serves.

Never cached, never a cookie, never a 500: it checks the body (400 or 413, nothing kept),
drops bots and paths that are not reader pages, and hands one line to its process's
outbox (stats/outbox.py), which sends it on to the Redis buffer (stats/buffer.py) a few
milliseconds later: the request itself does no I/O but the daily salt's, once a day.
The task worker writes the buffer to PostgreSQL (stats/ingest.py).
"""

import json
import logging

from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from redis.exceptions import RedisError

from . import beacon, buffer, outbox, privacy

logger = logging.getLogger(__name__)
NO_STORE = "max-age=0, no-cache, no-store, must-revalidate, private"


def _answer(status):
    response = HttpResponse(status=status)
    response["Cache-Control"] = NO_STORE  # what never_cache says, without its date work
    return response


@csrf_exempt  # no cookie, no form: a page's beacon, which changes nothing a reader sees
@require_POST
def hit(request):
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > beacon.MAX_BODY:
        return _answer(413)
    try:
        sent = beacon.parse(request.read(beacon.MAX_BODY + 1))
    except beacon.BadBeacon:
        return _answer(400)
    user_agent = request.headers.get("User-Agent", "")
    if privacy.is_bot(user_agent) or not beacon.counted_path(sent.path):
        return _answer(204)
    now = timezone.now()
    try:
        visitor = privacy.visitor_hash(request, now) if sent.kind == 1 else None
    except RedisError as exc:
        buffer.failed(exc)
        buffer.dropped()
        return _answer(204)
    line = json.dumps(
        [
            round(now.timestamp(), 3),
            sent.path,
            sent.kind,
            sent.seconds,
            visitor,
            sent.source,
            sent.referrer,
            sent.utm_source,
            sent.utm_medium,
            sent.utm_campaign,
        ],
        separators=(",", ":"),
    )
    outbox.push(line)
    return _answer(204)
