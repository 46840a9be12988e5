from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, TemplateView

from core.caching import never_cached, public_page
from core.pagecache import shows
from core.staff import is_verified_staff

from .models import DonationOption, Page, SupportPage


@method_decorator(public_page, name="dispatch")
class SupportIndex(TemplateView):
    """The support page: the editors' text, then the active donation options in order."""

    template_name = "support/support_page.html"

    def get_context_data(self, **kwargs):
        shows(self.request, "support")
        return super().get_context_data(
            support=SupportPage.load(), options=list(DonationOption.objects.active()), **kwargs
        )


@method_decorator(public_page, name="dispatch")
class SupportThanks(TemplateView):
    """Where payment providers send readers back after they give."""

    template_name = "support/thanks.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(support=SupportPage.load(), **kwargs)


@never_cache
@require_GET
def go(request, slug):
    """Count the click, then send the reader to the option's stored URL and nowhere else:
    the query string is ignored, and unknown, inactive or link-less options are 404."""
    option = get_object_or_404(DonationOption.objects.active().exclude(url=""), slug=slug)
    option.record_click()
    response = HttpResponseRedirect(option.url)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@method_decorator(public_page, name="dispatch")
class PageDetail(DetailView):
    """About, contact, the policies. Staff who may view pages in the admin may open
    unpublished ones (never cached)."""

    template_name = "support/page_detail.html"
    context_object_name = "page"

    def staff_preview(self):
        user = self.request.user
        return is_verified_staff(user) and user.has_perm("support.view_page")

    def get_queryset(self):
        return Page.objects.all() if self.staff_preview() else Page.objects.published()

    def get_context_data(self, **kwargs):
        shows(self.request, f"page:{self.object.pk}")
        return super().get_context_data(**kwargs)

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if not self.object.is_published:
            never_cached(response)
        return response
