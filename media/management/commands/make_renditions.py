from django.core.management.base import BaseCommand

from media import renditions


class Command(BaseCommand):
    help = (
        "Enqueue the rendition task of every picture still pending: media-library images "
        "and author photos (every model registered with media.renditions) whose renditions "
        "were never made (the task gave up, or they were stored before renditions moved "
        "onto tasks, or were waiting in the queue under an old task name). A worker "
        "(manage.py db_worker) makes them. Safe to run again: a picture whose renditions "
        "exist is left alone."
    )

    def handle(self, *args, **options):
        counts = []
        for pictures in renditions.registered():
            pks = list(pictures.pending().values_list("pk", flat=True))
            for pk in pks:
                pictures.make.enqueue(pk)
            counts.append(f"{len(pks)} {pictures.model._meta.verbose_name_plural}")
        self.stdout.write(f"Enqueued renditions for {', '.join(counts)}.")
