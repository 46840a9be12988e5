"""Static files under hashed names (whitenoise's compressed manifest storage), with each
name's address worked out once per process: every reader page asks for seven (stylesheet,
icons, scripts), each a manifest look-up, a quote and a URL join, and the manifest does not
change while a process runs (collectstatic comes before a restart)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls = {}

    def url(self, name, force=False):
        found = self._urls.get((name, force))
        if found is None:  # a missing file raises, as before, and is not kept
            found = self._urls[name, force] = super().url(name, force)
        return found
