"""The user admin gains one action: reset two-factor sign-in for a lost device."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.template.response import TemplateResponse
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import two_factor

User = get_user_model()


@admin.action(
    description="Reset two-factor sign-in (lost device): new backup codes",
    permissions=["reset_two_factor"],
)
def reset_two_factor(modeladmin, request, queryset):
    issued = [(user, two_factor.reset(user)) for user in queryset.order_by("username")]
    return TemplateResponse(
        request,
        "accounts/admin_reset.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": "New backup codes",
            "issued": issued,
            "opts": modeladmin.model._meta,
        },
    )


RegisteredUserAdmin = type(admin.site.get_model_admin(User))


class StaffUserAdmin(RegisteredUserAdmin):
    actions = [*(RegisteredUserAdmin.actions or []), reset_two_factor]

    def has_reset_two_factor_permission(self, request):
        return request.user.is_superuser


admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)


class TOTPDeviceListAdmin(TOTPDeviceAdmin):
    """django-otp's device admin without its own QR-code and configuration pages: staff enrol
    through accounts' two-factor pages, and nobody else may ever see a device's secret
    (OTP_ADMIN_HIDE_SENSITIVE_DATA). Unused library endpoints are not routed."""

    def get_urls(self):
        return admin.ModelAdmin.get_urls(self)


admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, TOTPDeviceListAdmin)
