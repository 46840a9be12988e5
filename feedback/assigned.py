"""The count of open reports assigned to a staff member, shown in every admin page's
header ("Assigned to me 3"). Kept in the cache so an admin page costs no extra query: any
change to a report (a save, a delete, a bulk update) replaces the version in the keys
(feedback/changed.py), and a count lives at most COUNT_SECONDS whatever happens to the
cache. It is counted once at sign-in, so the first admin page is no dearer than the next.
"""

from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .changed import reports_changed, reports_version
from .models import ErrorReport

COUNT_SECONDS = 120
# The header says "99+" beyond this: the query reads at most CAP + 1 index entries.
CAP = 99


def assigned_count(user):
    """How many open reports wait for `user`, up to CAP + 1 (cached; see the module)."""
    version = reports_version()
    key = f"feedback:assigned:{user.pk}:{version}"
    count = cache.get(key)
    if count is None:
        ids = ErrorReport.objects.assigned_to(user).values_list("pk", flat=True)[: CAP + 1]
        count = len(ids)
        cache.set(key, count, COUNT_SECONDS)
    return count


def count_label(count):
    return f"{CAP}+" if count > CAP else str(count)


@receiver(post_save, sender=ErrorReport, dispatch_uid="feedback-assigned-save")
@receiver(post_delete, sender=ErrorReport, dispatch_uid="feedback-assigned-delete")
def _report_changed(**kwargs):
    reports_changed()


@receiver(user_logged_in, dispatch_uid="feedback-assigned-sign-in")
def _count_at_sign_in(user, **kwargs):
    if user.is_staff and user.has_perm("feedback.view_errorreport"):
        assigned_count(user)
