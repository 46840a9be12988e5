"""Who may do what with live blogs, checked on the server by every admin view here. The
roles are the newsroom's groups (articles.workflow; this app's permissions are added to
them by migration 0002_roles):

- **Editors** start and end coverage on any article, and post, edit and delete any update.
- **Contributors** post updates to the live blogs among their own articles (those the
  admin shows them) and edit or delete their own updates; they cannot start or end
  coverage.
"""

from articles import workflow
from core.staff import is_verified_staff


def can_manage_coverage(user):
    """Turn an article into a live blog, end its coverage, resume it."""
    return workflow.is_editor(user)


def can_post(user, article):
    """Post a new update to this article's live blog."""
    if not (is_verified_staff(user) and user.has_perm("liveblog.add_liveupdate")):
        return False
    return workflow.is_editor(user) or article.created_by_id == user.pk


def can_change_update(user, update, action="change"):
    """Edit (`action` "change") or delete ("delete") this update."""
    if not (is_verified_staff(user) and user.has_perm(f"liveblog.{action}_liveupdate")):
        return False
    return workflow.is_editor(user) or update.created_by_id == user.pk
