import json
import logging

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView

from articles.models import Article
from core import spam

from . import checkout, stripe_api, webhooks
from .forms import DonateForm
from .models import Checkout

logger = logging.getLogger(__name__)

RATE_SCOPE = "giving-start"


def with_stripe_csp(response):
    """Let exactly Stripe's origins (or localstripe's) into this page's CSP."""
    response._csp_update = stripe_api.csp_origins()
    return response


def source_article(value):
    """The published story a reader came from, by its id in ?from= (else None)."""
    if not str(value or "").isdigit():
        return None
    return (
        Article.objects.published()
        .filter(pk=int(value))
        .only("pk", "title", "slug", "published_at")
        .first()
    )


@method_decorator(never_cache, name="dispatch")
class Donate(FormView):
    """/support/donate/: the amount, how often, the currency, the reader's details and the
    card (Stripe.js). ?frequency=, ?amount= and ?from= (the story) fill it in."""

    form_class = DonateForm
    template_name = "giving/donate.html"
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        if not stripe_api.enabled():
            return redirect("support:index")
        return with_stripe_csp(super().get(request, *args, **kwargs))

    def get_initial(self):
        initial = {}
        query = self.request.GET
        if query.get("frequency") in ("once", "month", "year"):
            initial["frequency"] = query["frequency"]
        if query.get("amount", "").isdigit():
            amount = query["amount"]
            suggested = [str(a) for a in settings.GIVING_SUGGESTED_AMOUNTS]
            initial.update(
                {"amount": amount}
                if amount in suggested
                else {"amount": "other", "other_amount": amount}
            )
        if query.get("currency", "").upper() in settings.GIVING_CURRENCIES:
            initial["currency"] = query["currency"].upper()
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            source=source_article(self.request.GET.get("from")),
            stripe_js_url=settings.STRIPE_JS_URL,
            publishable_key=settings.STRIPE_PUBLISHABLE_KEY,
            **kwargs,
        )


def _errors(form):
    return {field: [str(e) for e in errors] for field, errors in form.errors.items()}


@never_cache
@require_POST
def start(request):
    """The form, checked: a Checkout and its SetupIntent's secret for Stripe.js. Errors
    come back as {errors: {field: [message]}} with nothing stored."""
    if not stripe_api.enabled():
        return JsonResponse({"error": "We are not taking card gifts on the site."}, status=404)
    if spam.rate_limited(spam.client_hash(request), scope=RATE_SCOPE):
        # Card testers try many cards in a row; a person trying again is well within it.
        response = JsonResponse(
            {"error": "Too many tries from here. Nothing was charged; please wait an hour."},
            status=429,
        )
        response["Retry-After"] = str(settings.FEEDBACK_RATE_WINDOW)
        return response
    form = DonateForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": _errors(form)}, status=400)
    data = form.cleaned_data
    try:
        made, secret = checkout.start(
            email=data["email"],
            name=data["name"].strip(),
            anonymous=data["anonymous"],
            frequency=data["frequency"],
            amount=data["units"],
            currency=data["currency"],
            source_article=source_article(request.POST.get("source")),
        )
    except checkout.CheckoutProblem as problem:
        return JsonResponse({"error": problem.message}, status=503)
    return JsonResponse({"token": made.token, "client_secret": secret})


@never_cache
@require_POST
def complete(request):
    """Charge or subscribe once Stripe.js has saved the card (see giving.checkout)."""
    token = request.POST.get("token", "")
    try:
        outcome = checkout.complete(token)
    except checkout.CheckoutProblem as problem:
        return JsonResponse({"error": problem.message}, status=402)
    if outcome.state == "authenticate":
        return JsonResponse({"state": "authenticate", "client_secret": outcome.client_secret})
    thanks = reverse("giving:thanks") + f"?checkout={token}"
    return JsonResponse({"state": "done", "redirect": thanks})


@method_decorator(never_cache, name="dispatch")
class Thanks(TemplateView):
    """The thank-you page after the card form. The checkout's token (only the reader's
    browser has it) shows what they gave; the payment itself is confirmed by Stripe."""

    template_name = "giving/thanks.html"

    def get_context_data(self, **kwargs):
        token = self.request.GET.get("checkout", "")
        found = (
            Checkout.objects.select_related("donation", "gift").filter(token=token).first()
            if token
            else None
        )
        return super().get_context_data(checkout=found, **kwargs)


@csrf_exempt
@require_POST
def webhook(request):
    """/support/stripe/webhook/: Stripe's events, signed with STRIPE_WEBHOOK_SECRET.
    The signature is the credential (no CSRF token: Stripe's servers post here)."""
    try:
        event = webhooks.verify(request.body, request.headers.get("Stripe-Signature"))
    except webhooks.BadEvent as error:
        logger.warning("Stripe webhook refused: %s", error)
        return HttpResponse("Bad signature.", status=400, content_type="text/plain")
    webhooks.handle(event)
    return HttpResponse(json.dumps({"received": True}), content_type="application/json")
