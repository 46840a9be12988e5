from django.contrib import admin, messages

from .models import Embed
from .oembed import resolve
from .uses import visible_embeds


@admin.register(Embed)
class EmbedAdmin(admin.ModelAdmin):
    """The look-ups made for pasted videos and posts. Read-only; "Look up again" refreshes
    a title or poster that changed, or retries a failure."""

    list_display = ["url", "provider", "title", "fetched_at", "failed"]
    list_filter = ["provider"]
    search_fields = ["url", "title", "author_name"]
    readonly_fields = [f.name for f in Embed._meta.fields if f.name != "id"]
    actions = ["look_up_again"]

    @admin.display(boolean=True, description="failed")
    def failed(self, embed):
        return bool(embed.error)

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        """The draft rule: a contributor sees the embeds of articles they may read."""
        return visible_embeds(request.user, super().get_queryset(request))

    @admin.action(description="Look up again at the provider", permissions=["change"])
    def look_up_again(self, request, queryset):
        chosen = list(queryset[:50])  # each is up to two requests: keep the wait short
        failed = sum(bool(resolve(embed.url, refresh=True).error) for embed in chosen)
        self.message_user(
            request,
            f"Looked up {len(chosen)} embed{'' if len(chosen) == 1 else 's'}; {failed} failed"
            " (see each one's error).",
            messages.WARNING if failed else messages.SUCCESS,
        )
