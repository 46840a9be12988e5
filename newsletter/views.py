import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import DetailView, FormView, ListView, TemplateView, View

from core import spam
from core.caching import public_page
from core.pagecache import shows

from . import clicks, editions, subscriptions
from .forms import SignupForm
from .models import Edition, Subscriber

logger = logging.getLogger(__name__)

ARCHIVE_PAGE_SIZE = 24
RATE_SCOPE = "newsletter"


def cross_site(request):
    """True for a POST a browser says came from another site. The sign-up and the
    one-click forms carry no CSRF token (they sit in cached pages, and mail clients POST
    one-click unsubscribes), so this is their defence against forged posts from browsers
    (docs/decisions.md). Mail clients and scripts send neither header. `Origin: null`
    without Sec-Fetch-Site is a sandboxed frame or a data: page in an older browser:
    refused."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site == "cross-site":
        return True
    origin = request.headers.get("Origin")
    if origin == "null":
        return not fetch_site
    if not origin:
        return False
    own = {urlsplit(settings.SITE_URL).netloc, request.get_host()}
    return urlsplit(origin).netloc not in own


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class Signup(FormView):
    """/newsletter/: the sign-up page, and where the footer's and articles' forms post."""

    form_class = SignupForm
    template_name = "newsletter/signup.html"

    def get_initial(self):
        return {"source": Subscriber.Source.PAGE}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["consent_text"] = subscriptions.consent_text()
        context["latest"] = Edition.objects.sent().order_by("-sent_at").first()
        return context

    def post(self, request, *args, **kwargs):
        if cross_site(request):
            return HttpResponseForbidden("Sign up on our own newsletter page, please.")
        hashed = spam.client_hash(request)
        if spam.rate_limited(hashed, scope=RATE_SCOPE):
            logger.info("Newsletter sign-up refused: rate limit for client %s…", hashed[:12])
            response = render(
                request,
                "newsletter/rate_limited.html",
                {"email": request.POST.get("email", "")},
                status=429,
            )
            response["Retry-After"] = spam.retry_after()
            return response
        form = self.get_form()
        if form.token_problem() is not None:
            form.is_valid()
            form.add_error(
                None,
                "We could not accept the form as it was sent. Your address is still here: "
                "please press Subscribe again.",
            )
            return self.form_invalid(form)
        if not form.is_valid():
            return self.form_invalid(form)
        if form.honeypot_filled():
            # A script: it sees the same answer as a person, and nothing is stored or sent.
            logger.info("Newsletter sign-up from client %s… dropped: honeypot", hashed[:12])
        else:
            subscriptions.subscribe(form.cleaned_data["email"], form.cleaned_data["source"])
        return redirect("newsletter:check_inbox")


@method_decorator(public_page, name="dispatch")
class CheckInbox(TemplateView):
    """The same page whether the address was new, pending, confirmed or unsubscribed."""

    template_name = "newsletter/check_inbox.html"


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class Confirm(View):
    """GET shows one button (so a mail scanner that opens links confirms nothing); the
    POST from it confirms. The signed, expiring link is the credential."""

    def get(self, request, signed):
        return self.answer(request, signed, confirm=False)

    def post(self, request, signed):
        if cross_site(request):
            return HttpResponseForbidden("Confirm from the link in the e-mail, please.")
        return self.answer(request, signed, confirm=True)

    def answer(self, request, signed, confirm):
        try:
            if confirm:
                subscriber = subscriptions.confirm(signed)
            else:
                subscriber = subscriptions.check_link(signed)
        except subscriptions.LinkExpired:
            form = SignupForm(initial={"source": Subscriber.Source.PAGE})
            return render(
                request,
                "newsletter/link_expired.html",
                {"form": form, "consent_text": subscriptions.consent_text()},
                status=410,
            )
        except subscriptions.LinkInvalid:
            return render(request, "newsletter/link_invalid.html", status=404)
        template = "newsletter/confirmed.html" if confirm else "newsletter/confirm.html"
        return render(request, template, {"subscriber": subscriber})


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class Unsubscribe(View):
    """GET: a page with one button. POST: unsubscribed, from that button or from a mail
    client's RFC 8058 one-click request (body `List-Unsubscribe=One-Click`, no cookies,
    no token: the random address is the credential)."""

    def subscriber(self, token):
        return get_object_or_404(Subscriber, token=token)

    def get(self, request, token):
        subscriber = self.subscriber(token)
        return render(request, "newsletter/unsubscribe.html", {"subscriber": subscriber})

    def post(self, request, token):
        subscriber = self.subscriber(token)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            subscriptions.unsubscribe(subscriber)
            return HttpResponse("Unsubscribed.", content_type="text/plain; charset=utf-8")
        if cross_site(request):
            return HttpResponseForbidden("Unsubscribe from the link in the e-mail, please.")
        subscriptions.unsubscribe(subscriber)
        return render(request, "newsletter/unsubscribed.html", {"subscriber": subscriber})


class ArchiveMixin:
    def get_queryset(self):
        shows(self.request, "newsletter")  # touched by any edition's change
        return Edition.objects.sent().order_by("-sent_at", "-id")


@method_decorator(public_page, name="dispatch")
class Archive(ArchiveMixin, ListView):
    template_name = "newsletter/archive.html"
    context_object_name = "editions"
    paginate_by = ARCHIVE_PAGE_SIZE

    def get_queryset(self):
        return super().get_queryset().only("id", "subject", "sent_at")


@method_decorator(public_page, name="dispatch")
class EditionDetail(ArchiveMixin, DetailView):
    template_name = "newsletter/edition_detail.html"
    context_object_name = "edition"

    def get_queryset(self):
        return super().get_queryset().defer("html", "text")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stories"] = editions.items_for(self.object)
        shows(self.request, *(f"article:{item.article_id}" for item in context["stories"]))
        context["paragraphs"] = editions.paragraphs_of(self.object)
        return context


@method_decorator(never_cache, name="dispatch")
class Click(View):
    """/newsletter/c/<signed>/: a story link of an edition. Counts one click for the
    story (in aggregate: nothing about the reader is in the link or stored) and redirects
    to the article. A tampered or unknown link is a 404; HEAD, prefetches and known robots
    are answered without counting."""

    http_method_names = ["get", "head"]

    def get(self, request, signed):
        return self.answer(signed, count=clicks.followed_by_a_person(request))

    def head(self, request, signed):
        return self.answer(signed, count=False)

    def answer(self, signed, count):
        try:
            edition_id, position, article_id = clicks.unsign(signed)
        except clicks.LinkInvalid:
            raise Http404("No such link") from None
        article = clicks.target(edition_id, article_id)
        if article is None:
            raise Http404("No such story")
        if count:
            clicks.count(edition_id, position, article_id)
        response = HttpResponseRedirect(clicks.destination(article, edition_id))
        response["X-Robots-Tag"] = "noindex"
        return response
