from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Helpers every app shares: sanitiser, image validators, cache headers, the admin site
    with its dashboard registry, CSP for the admin, health and error views. Imports no app."""

    name = "core"
    verbose_name = "Core"

    def ready(self):
        from . import content_state

        content_state.connect_signals()
