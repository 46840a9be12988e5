from django.core.management.base import BaseCommand

from demo.loading import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo content: sections, authors with portraits, 40 published articles "
        "with illustrations, one draft, the support page, donation options and the site's "
        "own pages, a sent newsletter edition and a few demo subscribers. Safe to run again: "
        "existing demo rows are kept as they are and nothing is duplicated."
    )

    def handle(self, *args, **options):
        created = load_demo(stdout=self.stdout)
        summary = ", ".join(f"{count} {name}" for name, count in created.items())
        self.stdout.write(self.style.SUCCESS(f"Demo content ready (created {summary})."))
