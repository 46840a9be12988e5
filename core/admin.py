"""The background tasks' results in the admin ("Task results"), with what a failed run
raised in the list itself, so staff see at a glance which e-mail or job failed and why."""

from django.contrib import admin
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from .tasks import ATTEMPT_KWARG

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    list_display = (
        "task_path",
        "status",
        "attempt",
        "error",
        "enqueued_at",
        "run_after",
        "finished_at",
    )
    search_fields = ("task_path", "traceback")

    @admin.display(description="attempt")
    def attempt(self, obj):
        return (obj.args_kwargs or {}).get("kwargs", {}).get(ATTEMPT_KWARG, 1)

    @admin.display(description="error")
    def error(self, obj):
        """The last line of the traceback: the exception and its message."""
        lines = obj.traceback.strip().splitlines()
        return lines[-1] if lines else ""
