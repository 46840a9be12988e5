"""The planning desk's own admin pages: calendar (week and month), reports, freelance
commissions, and the private calendar addresses. Each takes the budget's ModelAdmin for
the admin's context and permissions."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from core.csv_export import csv_download

from . import calendar, commissions, reports

COMMISSION_PERMISSION = "planning.view_commissions"


def _context(model_admin, request, title, **extra):
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        **extra,
    }


def _is_editor(request):
    return request.user.has_perm("planning.change_budgetline")


def calendar_view(model_admin):
    def view(request):
        if not _is_editor(request):
            raise PermissionDenied
        mode = "month" if request.GET.get("view") == "month" else "week"
        today = timezone.localdate()
        day = calendar.parse_day(request.GET.get("start"), today)
        weeks = calendar.grid(mode, day)
        if mode == "month":
            first = day.replace(day=1)
            previous = (first - timedelta(days=1)).replace(day=1)
            following = (first + timedelta(days=32)).replace(day=1)
            heading = f"{first:%B %Y}"
        else:
            first = calendar.week_start(day)
            previous, following = first - timedelta(days=7), first + timedelta(days=7)
            heading = f"Week of {first:%-d %B %Y}"
        return TemplateResponse(
            request,
            "admin/planning/calendar.html",
            _context(
                model_admin,
                request,
                f"Planning calendar: {heading}",
                weeks=weeks,
                mode=mode,
                today=today,
                heading=heading,
                previous=previous.isoformat(),
                following=following.isoformat(),
                first=first,
            ),
        )

    return view


def reports_view(model_admin):
    def view(request):
        if not _is_editor(request):
            raise PermissionDenied
        today = timezone.localdate()
        monday = calendar.week_start(today)
        start = calendar.week_start(monday - timedelta(weeks=11))
        zone = timezone.get_current_timezone()
        from datetime import datetime, time

        weekly = reports.weekly(
            datetime.combine(start, time.min, tzinfo=zone),
            datetime.combine(monday + timedelta(days=7), time.min, tzinfo=zone),
        )
        peak = max([planned for _, planned, _ in weekly] or [1])
        bars = [
            (week, planned, published, planned * 100 // peak, published * 100 // peak)
            for week, planned, published in weekly
        ]
        chart = [
            {
                "x": 10 + i * 50,
                "week": week,
                "planned_y": 105 - p_pc,
                "planned_h": p_pc,
                "published_y": 105 - d_pc,
                "published_h": d_pc,
            }
            for i, (week, _, _, p_pc, d_pc) in enumerate(bars)
        ]
        sections = [
            (name, stories, reports.describe(avg))
            for name, stories, avg in reports.time_to_publication()
        ]
        return TemplateResponse(
            request,
            "admin/planning/reports.html",
            _context(
                model_admin,
                request,
                "Planning reports",
                bars=bars,
                sections=sections,
                chart=chart,
                chart_width=20 + 50 * len(bars),
            ),
        )

    return view


def _month(request):
    value = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def commissions_view(model_admin):
    def view(request):
        if not request.user.has_perm(COMMISSION_PERMISSION):
            raise PermissionDenied
        month = _month(request)
        author = request.GET.get("freelancer")
        if author and author.isdigit():
            rows = list(commissions.statement_rows(month, int(author)))
            name = next(
                (i.author.name for i in commissions.payable(month) if i.author_id == int(author)),
                "freelancer",
            )
            return csv_download(
                f"commissions-{slugify(name)}-{month:%Y-%m}", commissions.STATEMENT_COLUMNS, rows
            )
        previous = (month - timedelta(days=1)).replace(day=1)
        following = (month + timedelta(days=32)).replace(day=1)
        return TemplateResponse(
            request,
            "admin/planning/commissions.html",
            _context(
                model_admin,
                request,
                f"Freelance commissions, {month:%B %Y}",
                month=month,
                items=commissions.payable(month),
                summary=commissions.summary(month),
                previous=f"{previous:%Y-%m}",
                following=f"{following:%Y-%m}",
            ),
        )

    return view


def feeds_view(model_admin):
    """The person's own calendar address (and the desk's, for editors), with revocation."""

    def view(request):
        if not request.user.has_perm("planning.view_budgetline"):
            raise PermissionDenied
        mine = calendar.feed_for(request.user)
        desk = calendar.feed_for(None) if _is_editor(request) else None
        if request.method == "POST":
            target = desk if request.POST.get("feed") == "desk" and desk else mine
            calendar.revoke(target)
            messages.success(request, "The old address no longer works. Here is the new one.")
            return HttpResponseRedirect(reverse("admin:planning_feeds"))
        feeds = [("mine", "My assignments", request.build_absolute_uri(calendar.feed_url(mine)))]
        if desk:
            feeds.append(
                ("desk", "The whole desk", request.build_absolute_uri(calendar.feed_url(desk)))
            )
        return TemplateResponse(
            request,
            "admin/planning/feeds.html",
            _context(model_admin, request, "Calendar subscriptions", feeds=feeds),
        )

    return view
