from django.core.management.base import BaseCommand

from search.spelling import refresh_vocabulary


class Command(BaseCommand):
    help = (
        "Rebuild the vocabulary that search spelling corrections come from: every word of "
        "the published articles, with the number of articles using it. Run it nightly; "
        "saving a published article adds its new words in the meantime."
    )

    def handle(self, *args, **options):
        words = refresh_vocabulary()
        self.stdout.write(f"Search vocabulary rebuilt: {words:,} words.")
