"""/supporter/: a supporter's own page, reached by a sign-in link sent to their address."""

import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import spam

from . import manage, stripe_api, supporters
from .checkout import CheckoutProblem

logger = logging.getLogger(__name__)

RATE_SCOPE = "supporter-sign-in"


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        help_text="The address you gave with your gift.",
        error_messages={
            "required": "Type the address you gave with your gift.",
            "invalid": "That does not look like an e-mail address; check it, please.",
        },
    )


class AmountForm(forms.Form):
    amount = forms.IntegerField(
        label="New amount",
        error_messages={
            "required": "Type the new amount.",
            "invalid": "Type the amount as a whole number, like 15.",
        },
    )

    def clean_amount(self):
        value = self.cleaned_data["amount"]
        low, high = settings.GIVING_MIN_AMOUNT, settings.GIVING_MAX_AMOUNT
        if not low <= value <= high:
            raise forms.ValidationError(f"Give between {low} and {high}, please.")
        return value


@never_cache
def sign_in(request):
    """The same answer whether or not the address is a supporter's; rate-limited."""
    form = SignInForm(request.POST or None)
    if request.method == "POST":
        hashed = spam.client_hash(request)
        if spam.rate_limited(hashed, scope=RATE_SCOPE):
            response = render(
                request, "giving/sign_in.html", {"form": form, "rate_limited": True}, status=429
            )
            response["Retry-After"] = str(settings.FEEDBACK_RATE_WINDOW)
            return response
        if form.is_valid():
            supporters.request_link(form.cleaned_data["email"])
            return render(
                request, "giving/sign_in_sent.html", {"email": form.cleaned_data["email"]}
            )
    return render(request, "giving/sign_in.html", {"form": form})


@never_cache
def sign_in_link(request, token):
    """GET shows one button (a mail scanner that opens the link spends nothing); its POST
    signs the supporter in and spends the link."""
    try:
        if request.method == "POST":
            supporters.use_link(request, token)
            return redirect("giving:supporter")
        supporters.check_link(token)
    except supporters.LinkProblem:
        return render(request, "giving/link_invalid.html", {"form": SignInForm()}, status=410)
    return render(request, "giving/sign_in_confirm.html")


def _supporter_or_sign_in(view):
    def wrapped(request, *args, **kwargs):
        supporter = supporters.signed_in(request)
        if supporter is None:
            return redirect("giving:sign_in")
        return view(request, supporter, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return never_cache(wrapped)


@_supporter_or_sign_in
def supporter_page(request, supporter):
    donations = supporter.donations.select_related("gift").order_by("-created")[:100]
    years = sorted(
        {d.paid_at.year for d in donations if d.paid_at and d.status in ("succeeded", "refunded")},
        reverse=True,
    )
    response = render(
        request,
        "giving/supporter.html",
        {
            "supporter": supporter,
            "gifts": supporter.gifts.live().exclude(stripe_subscription=None),
            "donations": donations,
            "years": years,
            "amount_form": AmountForm(),
            "stripe_js_url": settings.STRIPE_JS_URL,
            "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        },
    )
    response._csp_update = stripe_api.csp_origins()
    return response


@require_POST
@_supporter_or_sign_in
def gift_change(request, supporter, pk):
    gift = get_object_or_404(supporter.gifts.live(), pk=pk)
    form = AmountForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["amount"]))
        return redirect("giving:supporter")
    try:
        manage.change_amount(gift, form.cleaned_data["amount"])
    except CheckoutProblem as problem:
        messages.error(request, problem.message)
        return redirect("giving:supporter")
    gift.refresh_from_db()
    messages.success(
        request, f"Done: your gift is now {gift.amount_display} from the next payment."
    )
    return redirect("giving:supporter")


@require_POST
@_supporter_or_sign_in
def gift_cancel(request, supporter, pk):
    gift = get_object_or_404(supporter.gifts.live(), pk=pk)
    try:
        manage.cancel(gift)
    except CheckoutProblem as problem:
        messages.error(request, problem.message)
        return redirect("giving:supporter")
    messages.success(request, "Your regular gift is cancelled. Thank you for your support so far.")
    return redirect("giving:supporter")


@require_POST
@_supporter_or_sign_in
def card_start(request, supporter):
    try:
        return JsonResponse({"client_secret": manage.card_setup(supporter)})
    except CheckoutProblem as problem:
        return JsonResponse({"error": problem.message}, status=503)


@require_POST
@_supporter_or_sign_in
def card_done(request, supporter):
    try:
        manage.use_new_card(supporter, request.POST.get("setup_intent", ""))
    except CheckoutProblem as problem:
        return JsonResponse({"error": problem.message}, status=402)
    messages.success(request, "Your new card is saved; we will use it from the next payment.")
    return JsonResponse({"redirect": "/supporter/"})


@_supporter_or_sign_in
def statement(request, supporter, year):
    donations, totals = manage.statement(supporter, year)
    body = render_to_string(
        "giving/statement.txt",
        {
            "supporter": supporter,
            "year": year,
            "donations": donations,
            "totals": {c: f"{v / 100:,.2f}" for c, v in sorted(totals.items())},
            "legal_name": settings.PUBLISHER_LEGAL_NAME,
            "address": settings.PUBLISHER_ADDRESS,
            "SITE_NAME": settings.SITE_NAME,
            "today": timezone.localdate(),
        },
    )
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="giving-statement-{year}.txt"'
    return response


@_supporter_or_sign_in
def delete_me(request, supporter):
    if request.method != "POST":
        return render(request, "giving/delete_confirm.html", {"supporter": supporter})
    try:
        manage.delete_supporter(supporter)
    except CheckoutProblem as problem:
        messages.error(request, problem.message)
        return redirect("giving:supporter")
    supporters.sign_out(request)
    return render(request, "giving/deleted.html")


@require_POST
def sign_out(request):
    supporters.sign_out(request)
    return redirect("giving:sign_in")
