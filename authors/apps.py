from django.apps import AppConfig


class AuthorsConfig(AppConfig):
    name = "authors"
    verbose_name = "Authors"

    def ready(self):
        from core.content_state import content_state

        # What a change makes stale (core.content_state tags): the author's page (the
        # articles app adds the pages of their articles), and the list of every author
        # ("authors": the search form's choices, search.forms).
        content_state.register_change(
            "authors.Author", lambda author, kw: {f"author:{author.pk}", "authors"}
        )
        content_state.register_change(
            "authors.AuthorLink", lambda link, kw: {f"author:{link.author_id}"}
        )
