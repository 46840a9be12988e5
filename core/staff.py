"""Who counts as staff on a page outside the admin: the same rule as the admin site's
(core.admin_site), so a draft, a scheduled article or the editor's upload endpoint never
opens to a session that has not passed the second factor, whatever a middleware's path
check decided."""

from django.conf import settings


def is_verified_staff(user):
    """An active staff account that, with STAFF_2FA_REQUIRED on, signed in with a second
    factor in this session (django-otp's `is_verified`, set on request.user)."""
    if not (user.is_active and user.is_staff):
        return False
    if not settings.STAFF_2FA_REQUIRED:
        return True
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())
