"""The articles app's admin, one module per screen. Importing the modules registers their
ModelAdmins and dashboard panels."""

from . import articles, dashboard, links

__all__ = ["articles", "dashboard", "links"]
