from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = "Support"

    def ready(self):
        from core.content_state import content_state

        # What a change makes stale (core.content_state tags): the support sentence and
        # link every page carries (`support`), the support pages; a site page is listed in
        # every page's footer (`nav`) and in the sitemaps.
        content_state.register_change("support.SupportPage", lambda page, kw: {"support"})
        content_state.register_change("support.DonationOption", lambda option, kw: {"support"})
        content_state.register_change(
            "support.Page", lambda page, kw: {"nav", f"page:{page.pk}", "sitemaps"}
        )
