"""Who may do what with a reader's report, and, when someone may not, an explanation:
what they tried, why they cannot, and who can.

The admin asks these functions and still refuses on the server (a 403 with the explanation);
the explanation only replaces a bare "403 Forbidden" with something a colleague can act on.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils.text import get_text_list

from articles import workflow

ADD_CORRECTION = "articles.add_correction"
CHANGE_REPORT = "feedback.change_errorreport"
# Named on the refusal page; more would be a staff list, not an explanation.
EDITORS_NAMED = 5
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@dataclass(frozen=True)
class Refusal:
    tried: str  # what the person tried, in their terms
    reason: str  # why the newsroom's rules do not let them
    who: str  # who can, and how to hand it over


def display_name(user):
    return user.get_full_name() or user.get_username()


def can_publish_corrections(user):
    """Publishing a correction changes a published article: editors only (they hold the
    publish permission), and only with the permission to add corrections."""
    return workflow.is_editor(user) and user.has_perm(ADD_CORRECTION)


def correction_editors():
    """Active staff who may publish corrections, by name: editors (group or own
    permissions) and superusers."""
    users = get_user_model().objects
    return (
        users.with_perm(workflow.PUBLISH_PERMISSION, backend=MODEL_BACKEND)
        .filter(
            is_staff=True,
            pk__in=users.with_perm(ADD_CORRECTION, backend=MODEL_BACKEND).values("pk"),
        )
        .order_by("username")
    )


def report_handlers():
    """Active staff who may act on reports (change them: triage, assign, resolve), by
    name: the Feedback staff, editors and superusers. The assignee list offers them."""
    users = get_user_model().objects.with_perm(CHANGE_REPORT, backend=MODEL_BACKEND)
    return users.filter(is_staff=True, is_active=True).order_by(
        "first_name", "last_name", "username"
    )


def correction_refusal(user, report):
    """None when `user` may publish a correction from `report` (and edit its article's text
    with it); otherwise the Refusal to show them."""
    tried = f"Publish a correction from report #{report.pk}"
    if report.article_id is not None and can_publish_corrections(user):
        if workflow.can_edit(user, report.article):
            return None
        return Refusal(
            tried,
            "Publishing a correction also fixes the article's text, and your account may "
            "not change this article.",
            _who_can(report, user),
        )
    return Refusal(
        tried,
        "Only editors can publish corrections: a correction changes a published article "
        "and its public record.",
        _who_can(report, user),
    )


def _who_can(report, user):
    assignee = report.assignee
    if assignee is not None and assignee != user and can_publish_corrections(assignee):
        return (
            f"This report is assigned to {display_name(assignee)}, an editor, who can publish "
            "it. It is waiting under “Assigned to me” on their admin front page."
        )
    names = [display_name(editor) for editor in correction_editors()[: EDITORS_NAMED + 1]]
    if not names:
        return "No one on the staff can publish corrections yet: ask an administrator."
    if len(names) > EDITORS_NAMED:
        listed = ", ".join(names[:EDITORS_NAMED]) + " and other editors"
    else:
        listed = get_text_list(names, "and")
    held = (
        f"It is assigned to {display_name(assignee)}, who cannot publish it either. "
        if assignee is not None and assignee != user
        else ""
    )
    return (
        f"{held}Editors can: {listed}. Assign the report to one of them on the report's "
        "page; it then appears under “Assigned to me” on their admin front page."
    )
