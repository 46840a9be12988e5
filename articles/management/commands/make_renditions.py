from django.core.management.base import BaseCommand

from articles.models import Image
from articles.tasks import make_image_renditions
from authors.models import Author
from authors.tasks import make_photo_renditions


class Command(BaseCommand):
    help = (
        "Enqueue the rendition task of every picture still pending: media-library images "
        "and author photos whose renditions were never made (the task gave up, or they "
        "were stored before renditions moved onto tasks). A worker (manage.py db_worker) "
        "makes them. Safe to run again: a picture whose renditions exist is left alone."
    )

    def handle(self, *args, **options):
        images = Image.objects.exclude(file="").filter(rendition_names={})
        photos = Author.objects.exclude(photo="").filter(photo_renditions={})
        image_pks = list(images.values_list("pk", flat=True))
        author_pks = list(photos.values_list("pk", flat=True))
        for pk in image_pks:
            make_image_renditions.enqueue(pk)
        for pk in author_pks:
            make_photo_renditions.enqueue(pk)
        self.stdout.write(
            f"Enqueued renditions for {len(image_pks)} image(s) and "
            f"{len(author_pks)} author photo(s)."
        )
