from django.apps import AppConfig


class GivingConfig(AppConfig):
    name = "giving"
    verbose_name = "Reader revenue"

    def ready(self):
        # Supporters get the newsletter's thank-you line instead of the appeal.
        from newsletter import segments

        from .supporters import supporting

        segments.register_supporters(supporting)
