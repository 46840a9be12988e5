from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Reader feedback"

    def ready(self):
        from . import assigned  # noqa: F401 (connects the assigned-count signals)
