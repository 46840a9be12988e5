import json
import logging
import sys
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import db_router
from .cache import cache_is_working

csp_logger = logging.getLogger("csp")

# Seconds a reader (or a crawler) is asked to wait when the database is unavailable.
RETRY_AFTER_SECONDS = 30


def _database_is_working():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return False
    return True


@never_cache
@require_GET
def healthz(request):
    """For load balancers and monitoring; see docs/operations.md.

    503 when the database does not answer: this instance cannot serve, take it out.
    200 with "status": "degraded" when only the cache does not answer: pages are still
    served (more slowly, rate limits open), and taking every instance out of rotation
    because the shared cache is down would turn a slowdown into an outage. A read replica
    that is not used (down or lagging: the primary serves every read) is "degraded" too.
    """
    database = _database_is_working()
    cache_ok = cache_is_working(cache)
    replica_ok = True
    body = {
        "database": "ok" if database else "unavailable",
        "cache": "ok" if cache_ok else "unavailable",
    }
    if db_router.replica_configured():
        replica_ok = db_router.health.usable_now()
        body["replica"] = "ok" if replica_ok else f"not used: {db_router.health.problem}"
    healthy = database and cache_ok and replica_ok
    body = {"status": "ok" if healthy else ("degraded" if database else "error"), **body}
    return JsonResponse(body, status=200 if database else 503)


@require_GET
def robots_txt(request):
    site = settings.SITE_URL
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "Disallow: /draft/",
        "",
        f"Sitemap: {site}{reverse('sitemap')}",
        f"Sitemap: {site}{reverse('news_sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


BAD_REQUEST_MESSAGES = {
    "control": (
        "This address or form contains characters that are not allowed (invisible control "
        "characters, such as a NUL byte). Go back to remove them: your browser keeps what "
        "you typed."
    ),
    "too_big": (
        "What you sent is too large for one save. Go back (your browser keeps what you "
        "typed) and send it in smaller parts, or upload large pictures through the media "
        "library."
    ),
    "other": "Your browser sent something this site cannot read. Go back and try again.",
}


def bad_request_page(reason):
    """The branded 400 for `reason` (a key of BAD_REQUEST_MESSAGES): a plain render with no
    context processors or database, as it may answer before anything else has run. The
    middleware around it add the site's security headers like any page's."""
    context = {"SITE_NAME": settings.SITE_NAME, "message": BAD_REQUEST_MESSAGES[reason]}
    return HttpResponse(loader.get_template("400.html").render(context), status=400)


def bad_request(request, exception):
    """handler400: Django's answer to a body too large or with too many fields (the
    admin's oversized posts), and to other suspicious requests."""
    too_big = isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent)
    return bad_request_page("too_big" if too_big else "other")


def server_error(request):
    """Plain renders with no context processors: the database may be what failed (the
    500 page's latest headlines are left off when it did). A
    database that cannot be reached (down, restarting, refusing connections) is a 503
    with Retry-After, not a 500: nothing is wrong with the page, come back shortly."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = HttpResponse(
            loader.get_template("503.html").render({"SITE_NAME": settings.SITE_NAME}), status=503
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    site = {"SITE_NAME": settings.SITE_NAME, "SITE_DESCRIPTION": settings.SITE_DESCRIPTION}
    return HttpResponse(loader.get_template("500.html").render(site), status=500)


CSP_REPORT_MAX_BYTES = 64 * 1024
CSP_REPORT_FIELDS = (
    ("document-uri", "documentURL"),
    ("violated-directive", "effectiveDirective"),
    ("blocked-uri", "blockedURL"),
    ("source-file", "sourceFile"),
    ("line-number", "lineNumber"),
)


def _csp_violations(payload):
    """The violations in a report-uri body ({"csp-report": {...}}) or a report-to body
    ([{"type": "csp-violation", "body": {...}}, ...]), as (document, directive, blocked,
    source, line) tuples of short strings. Anything else is ignored."""
    if isinstance(payload, dict) and isinstance(payload.get("csp-report"), dict):
        reports = [(payload["csp-report"], 0)]
    elif isinstance(payload, list):
        reports = [
            (item["body"], 1)
            for item in payload[:20]
            if isinstance(item, dict)
            and item.get("type") == "csp-violation"
            and isinstance(item.get("body"), dict)
        ]
    else:
        reports = []
    return [
        tuple(str(body.get(names[style], ""))[:300] for names in CSP_REPORT_FIELDS)
        for body, style in reports
    ]


def _csp_report_allowed():
    """At most CSP_REPORT_RATE_LIMIT reports logged a minute, for the whole site: a flood
    of reports (or of junk) must not flood the logs. Fails closed: while the cache cannot
    count, reports are dropped (they are diagnostics; nothing a reader wrote is lost)."""
    key = f"csp-report:{int(time.time() // 60)}"
    try:
        cache.add(key, 0, timeout=120)
        return cache.incr(key) <= settings.CSP_REPORT_RATE_LIMIT
    except Exception:
        return False


@csrf_exempt
@require_POST
def csp_report(request):
    """Where browsers send Content-Security-Policy violations (report-uri and report-to).
    Logs each one, within a rate limit; answers 204, or 400 for a body that is not a
    report, 413 for one too large, 429 over the limit."""
    if len(request.body) > CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    try:
        violations = _csp_violations(json.loads(request.body))
    except ValueError:  # not JSON, or not UTF-8
        return HttpResponseBadRequest()
    if not violations:
        return HttpResponseBadRequest()
    if not _csp_report_allowed():
        return HttpResponse(status=429)
    for document, directive, blocked, source, line in violations:
        csp_logger.warning(
            "CSP violation on %s: %s blocked %s (%s:%s)", document, directive, blocked, source, line
        )
    return HttpResponse(status=204)
