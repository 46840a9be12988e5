"""The publisher's view of reader revenue. Only the "Revenue" group (and superusers) sees
any of it: Editors and Feedback staff have none of these permissions."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import path

from core.csv_export import csv_download

from . import payments, revenue
from .checkout import CheckoutProblem
from .models import Donation, Gift, Supporter, format_amount


class ReadOnly:
    """Money moves only through Stripe: the admin reads, refunds and exports."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Supporter)
class SupporterAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["email", "name", "anonymous", "live_gifts", "created"]
    list_filter = ["anonymous", "created"]
    search_fields = ["email", "name"]
    show_full_result_count = False
    list_per_page = 100
    actions = ["export_csv"]
    fields = [
        "email",
        "name",
        "anonymous",
        "stripe_customer",
        "consent_at",
        "consent_text",
        "created",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(live=Count("gifts", filter=Q(gifts__status__in=Gift.LIVE)))
        )

    @admin.display(description="regular gifts", ordering="live")
    def live_gifts(self, obj):
        return obj.live

    @admin.action(description="Export the selected supporters as CSV")
    def export_csv(self, request, queryset):
        if not request.user.has_perm("giving.export_supporters"):
            raise PermissionDenied
        rows = (
            (s.email, s.name, "yes" if s.anonymous else "no", s.created.isoformat(), s.live)
            for s in queryset.order_by("id").iterator(chunk_size=2000)
        )
        return csv_download(
            "supporters", ["email", "name", "anonymous", "since", "regular gifts"], rows
        )


@admin.register(Gift)
class GiftAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["__str__", "supporter", "status", "created", "source_article"]
    list_filter = ["status", "frequency", "currency"]
    search_fields = ["supporter__email", "stripe_subscription"]
    list_select_related = ["supporter", "source_article"]
    show_full_result_count = False


@admin.register(Donation)
class DonationAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["created", "amount_shown", "frequency", "status", "supporter", "source_article"]
    list_filter = ["status", "frequency", "currency", "created"]
    search_fields = ["supporter__email", "stripe_payment_intent", "stripe_invoice"]
    list_select_related = ["supporter", "source_article"]
    date_hierarchy = "created"
    show_full_result_count = False
    list_per_page = 100
    actions = ["refund"]
    change_list_template = "admin/giving/donation/change_list.html"

    @admin.display(description="amount", ordering="amount")
    def amount_shown(self, obj):
        return obj.amount_display

    def has_refund_permission(self, request):
        return request.user.has_perm("giving.refund_donation")

    @admin.action(description="Refund the selected donations in full", permissions=["refund"])
    def refund(self, request, queryset):
        done = 0
        for donation in queryset.filter(status=Donation.Status.SUCCEEDED):
            try:
                payments.refund(donation)
            except CheckoutProblem as problem:
                self.message_user(request, f"{donation}: {problem.message}", messages.ERROR)
                continue
            done += 1
        self.message_user(request, f"{done} donation(s) refunded.", messages.SUCCESS)

    def get_urls(self):
        return [
            path(
                "revenue/",
                self.admin_site.admin_view(self.revenue_view),
                name="giving_donation_revenue",
            ),
            *super().get_urls(),
        ]

    def revenue_view(self, request):
        if not request.user.has_perm("giving.view_revenue"):
            raise PermissionDenied
        mrr, live = revenue.monthly_recurring()
        months = revenue.by_month()
        most = max([m["new"] for _, m in months] + [m["cancelled"] for _, m in months] + [1])
        stories = revenue.top_stories()
        for story in stories:
            story["shown"] = format_amount(story["total"], story["currency"])
        return render(
            request,
            "admin/giving/revenue.html",
            {
                **self.admin_site.each_context(request),
                "title": "Reader revenue",
                "mrr": [format_amount(v, c) for c, v in mrr.items()],
                "live": live,
                "months": [
                    (
                        month,
                        {
                            **m,
                            "one_time": [
                                format_amount(v, c) for c, v in sorted(m["one_time"].items())
                            ],
                            "refunded": [
                                format_amount(v, c) for c, v in sorted(m["refunded"].items())
                            ],
                        },
                    )
                    for month, m in months
                ],
                "most": most,
                "stories": stories,
            },
        )
