"""Restoring a revision (django-reversion) through the admin, with nothing beyond the object.

reversion's VersionAdmin finds a version by its id and the object id in the address only,
so a version of any model with that id matched; it then reverts the whole revision the
version belongs to, every object in it. Here, for every versioned ModelAdmin:

- a version is served only for the model and the object in the address, and only while
  that object is one the user sees in the admin; anything else is "not found" (404);
- a restore writes the object and the rows that belong to it (rows whose stored foreign
  key points at it, such as an article's bylines and tags), and deletes only rows it
  follows now that the revision lacks; any other row in the revision is left alone;
- every row it would write or delete is authorised by the admin that edits it: the
  object's own ModelAdmin, the admin registered for the row's model, or the inline of the
  object's admin for it (a row with none of these, such as a tag link, is edited through
  the object's own form and so goes with the object's permission).
"""

from contextlib import nullcontext
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models.deletion import Collector
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.http import Http404
from django.shortcuts import redirect
from django.utils.formats import localize
from django.utils.timezone import template_localtime
from reversion import set_comment
from reversion.admin import VersionAdmin, _RollBackRevisionView
from reversion.errors import RevertError
from reversion.models import Version, _safe_revert
from reversion.revisions import _follow_relations_recursive
from reversion.utils import mute_signals


@dataclass(frozen=True)
class Write:
    """One row a restore writes (`version`) or deletes (`version` None), with the row as it
    is now (None if it does not exist)."""

    model: type[models.Model]
    current: models.Model | None
    version: Version | None = None


def _key(model, pk):
    return (model._meta.concrete_model, str(pk))


def _links(model):
    """The many-to-one fields of `model` (foreign keys and one-to-ones)."""
    return [f for f in model._meta.concrete_fields if f.is_relation and f.many_to_one]


def _current(model, object_id):
    return model._default_manager.filter(pk=object_id).first()


def belonging_versions(root):
    """The versions of `root`'s revision that belong to its object: the object itself, then
    level by level every row whose stored foreign key points at one already taken. Root
    first, so each row follows the row it points at. Each comes with the link field that
    made it belong (None for the root)."""
    taken = [(root, None)]
    keys = {_key(root._model, root.object_id)}
    rest = [v for v in root.revision.version_set.filter(db=root.db) if v.pk != root.pk]
    found = True
    while found:
        found = False
        for version in list(rest):
            model = version._model
            stored = version._object_version.object if model is not None else None
            link = next(
                (
                    f
                    for f in (_links(model) if model is not None else [])
                    if _key(f.related_model, getattr(stored, f.attname)) in keys
                ),
                None,
            )
            if link is None:
                continue
            rest.remove(version)
            taken.append((version, link))
            keys.add(_key(model, version.object_id))
            found = True
    return taken


def plan(root):
    """What restoring `root` writes and deletes, as Writes: the belonging versions, then the
    rows the object follows now (registered `follow`, e.g. bylines) that the revision lacks.
    Refused (PermissionDenied) if a row to be written belongs to another object now."""
    writes = []
    keys = set()
    for version, link in belonging_versions(root):
        current = _current(version._model, version.object_id)
        if link is not None and current is not None:
            stored = version._object_version.object
            if getattr(current, link.attname) != getattr(stored, link.attname):
                raise PermissionDenied("This revision would change a row of another object.")
        writes.append(Write(version._model, current, version))
        keys.add(_key(version._model, version.object_id))
    root_now = writes[0].current
    if root_now is not None:
        for row in _follow_relations_recursive(root_now):
            if _key(type(row), row.pk) not in keys:
                writes.append(Write(type(row), row))
    return writes


def restore(writes):
    """Delete the rows the revision lacks, then write every belonging version back."""
    removed = [w.current for w in writes if w.version is None]
    if removed:
        collector = Collector(using=removed[0]._state.db)
        for row in removed:
            collector.collect([row])
        collector.delete()
    _safe_revert([w.version for w in writes if w.version is not None])


class SafeVersionAdmin(VersionAdmin):
    """VersionAdmin whose revision and recover views restore only the object (see above)."""

    def revision_view(self, request, object_id, version_id, extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404("No such object.")
        version = (
            Version.objects.get_for_model(self.model)
            .filter(pk=version_id, object_id=unquote(object_id))
            .first()
        )
        if version is None:
            raise Http404("No such revision of this object.")
        return super().revision_view(request, quote(version.object_id), version.pk, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        version = Version.objects.get_deleted(self.model).filter(pk=version_id).first()
        if version is None:
            raise Http404("No deleted object with this revision.")
        return super().recover_view(request, version.pk, extra_context)

    def _reversion_revisionform_view(self, request, version, template_name, extra_context=None):
        """VersionAdmin's view with one change: where it reverts the whole revision, this
        restores only the object (restore_revision). A GET shows the form inside a
        transaction that is rolled back; a POST keeps the restore when the form saves."""
        muted = (pre_save, post_save, pre_delete, post_delete, m2m_changed)
        signals = mute_signals(*muted) if request.method == "GET" else nullcontext()
        try:
            with transaction.atomic(using=version.db), signals:
                self.restore_revision(request, version)
                with self.create_revision(request):
                    response = self.changeform_view(
                        request, quote(version.object_id), request.path, extra_context
                    )
                    if request.method == "POST" and response.status_code == 302:
                        when = localize(template_localtime(version.revision.date_created))
                        set_comment(f"Reverted to previous version, saved on {when}")
                    elif response.status_code == 200:
                        response.template_name = template_name
                        response.render()  # with the restored rows, before the rollback
                        raise _RollBackRevisionView(response)
                    else:
                        raise RevertError(f"Could not load {version.object_repr} version.")
        except (RevertError, models.ProtectedError) as error:
            messages.error(request, str(error))
            opts = self.model._meta
            return redirect(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_changelist")
        except _RollBackRevisionView as rollback:
            return rollback.response
        return response

    def restore_revision(self, request, version):
        """Plan the restore of `version`, check every row with may_write (PermissionDenied
        if one is refused), then write. Runs inside the view's transaction."""
        writes = plan(version)
        root = writes[0].current
        for index, write in enumerate(writes):
            if not self.may_write(request, root, write, is_root=index == 0):
                raise PermissionDenied
        restore(writes)

    def may_write(self, request, root, write, is_root=False):
        """May this user write (or delete) this row, as the admin that edits it says?"""
        if is_root:
            if root is None:
                return self.has_add_permission(request)  # recovering a deleted object
            return self.has_change_permission(request, root)
        action = "delete" if write.version is None else "change" if write.current else "add"
        registered = self.admin_site._registry.get(write.model)
        if registered is not None:
            if action == "add":
                return registered.has_add_permission(request)
            return getattr(registered, f"has_{action}_permission")(request, write.current)
        inline_class = next((i for i in self.inlines if i.model is write.model), None)
        if inline_class is not None:  # an inline's permissions take the parent object
            inline = inline_class(self.model, self.admin_site)
            return getattr(inline, f"has_{action}_permission")(request, root)
        return self.has_change_permission(request, root)
