"""What happens when an author is saved: a new or replaced photo gets its renditions made
by a background task once the save commits (Author.save forgets the old ones)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from core.tasks import enqueue_on_commit

from . import tasks
from .models import Author


@receiver(post_save, sender=Author, dispatch_uid="authors-photo-renditions")
def make_renditions_of_a_new_photo(sender, instance, raw=False, **kwargs):
    if not raw and instance.photo_needs_renditions:
        enqueue_on_commit(tasks.make_photo_renditions, instance.pk)
