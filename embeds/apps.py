from django.apps import AppConfig


class EmbedsConfig(AppConfig):
    name = "embeds"
    verbose_name = "Embeds"

    def ready(self):
        from . import signals  # noqa: F401  (resolves embeds when an article is saved)
