"""The Audience screens in the admin: the overview (today, 7 or 30 days), "Now", and one
article's numbers. For Editors and superusers (stats.view_audience), never Contributors;
each view checks the permission itself."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from articles.models import Article

from . import reports

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
        start, daily = chosen.start, chosen.daily
        return _render(
            model_admin,
            request,
            "admin/stats/audience.html",
            f"Audience: {chosen.label.lower()}",
            period=chosen,
            periods=reports.PERIODS,
            totals=reports.totals(start, daily),
            chart=reports.chart(reports.series(start, chosen.by_hour, daily=daily)),
            articles=reports.top_articles(start, daily=daily),
            sections=reports.top_sections(start, daily=daily),
            authors=reports.top_authors(start, daily=daily),
            sources=reports.sources(start, daily=daily),
        )

    return view


def now(model_admin):
    def view(request):
        if not allowed(request):
            raise PermissionDenied
        return _render(
            model_admin,
            request,
            "admin/stats/now.html",
            "Audience: now",
            rows=reports.now(),
            moment=timezone.now(),
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
