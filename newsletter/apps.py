from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = "Newsletter"

    def ready(self):
        from core.content_state import content_state

        # What a change of an edition makes stale (core.content_state tags): the public
        # archive and the editions' pages, which show `newsletter` (and their stories).
        content_state.register_change("newsletter.Edition", lambda edition, kw: {"newsletter"})
