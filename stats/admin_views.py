"""The Audience screens in the admin: the overview (today, 7 or 30 days), "Now", and one
article's numbers. For Editors and superusers (stats.view_audience), never Contributors;
each view checks the permission itself."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers

from articles.models import Article

from . import live, reports
from .overview import numbers as overview_numbers

PERMISSION = "stats.view_audience"
NOW_REFRESH_SECONDS = 60


def allowed(request):
    return request.user.is_active and request.user.has_perm(PERMISSION)


def _render(model_admin, request, template, title, **extra):
    if not allowed(request):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        **extra,
    }
    response = TemplateResponse(request, template, context)
    add_never_cache_headers(response)
    return response


def overview(model_admin):
    def view(request, extra_context=None):
        if not allowed(request):
            raise PermissionDenied
        chosen = reports.period(request.GET.get("period", "today"))
        numbers = overview_numbers(chosen)
        return _render(
            model_admin,
            request,
            "admin/stats/audience.html",
            f"Audience: {chosen.label.lower()}",
            period=chosen,
            periods=reports.PERIODS,
            totals=numbers["totals"],
            chart=reports.chart(numbers["series"]),
            articles=numbers["articles"],
            sections=numbers["sections"],
            authors=numbers["authors"],
            sources=reports.sources(chosen.start, daily=chosen.daily),
        )

    return view


def now(model_admin):
    def view(request):
        if not allowed(request):
            raise PermissionDenied
        snapshot = live.current()
        return _render(
            model_admin,
            request,
            "admin/stats/now.html",
            "Audience: now",
            rows=snapshot["rows"],
            moment=snapshot["moment"],
            refresh=NOW_REFRESH_SECONDS,
        )

    return view


def article(model_admin):
    def view(request, pk):
        if not allowed(request):
            raise PermissionDenied
        item = get_object_or_404(Article, pk=pk)
        report = reports.article_report(item)
        return _render(
            model_admin,
            request,
            "admin/stats/article.html",
            f"Audience: {item.title}",
            article=item,
            report=report,
            chart=reports.chart(report["series"]),
        )

    return view
