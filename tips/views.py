"""The source's pages. Function views, each small; no cookie, no cache, no address kept
(tips.middleware); every POST is guarded by tips.guard instead of the CSRF cookie."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import guard, pgp, submissions
from .codename import CannotOpen
from .forms import CodenameForm, FirstTipForm, FollowUpForm

BUSY = (
    "Many messages are arriving right now, so we paused this form for a few minutes. "
    "Your text is still here: please send it again a little later."
)


def _page(request, template, status=200, **context):
    return TemplateResponse(request, f"tips/{template}", context, status=status)


def _newsroom_key():
    try:
        return pgp.public_keys_armored()
    except pgp.NoNewsroomKey:
        return None


def _index(request, form=None, codename_form=None, status=200, problem=""):
    key = _newsroom_key()
    if key is None:  # a page that says so, not an error (a POST to it is refused: 503)
        return _page(request, "closed.html")
    fingerprints, _ = key
    return _page(
        request,
        "index.html",
        status=status,
        form=form or FirstTipForm(),
        codename_form=codename_form or CodenameForm(),
        fingerprints=fingerprints,
        problem=problem,
        signal=settings.TIPS_SIGNAL_NUMBER,
        securedrop=settings.TIPS_SECUREDROP_URL,
        onion=settings.TIPS_ONION_ADDRESS,
    )


def _guarded(request):
    """A reason to refuse this POST, or ""."""
    try:
        guard.check_origin(request)
        guard.check_form_token(request.POST.get(guard.TOKEN_FIELD))
    except guard.Refused as refused:
        return str(refused)
    if guard.sending.hit():
        return BUSY
    return ""


@csrf_exempt
@sensitive_post_parameters()  # error reports never show what a source typed
@require_http_methods(["GET", "HEAD", "POST"])
def index(request):
    if request.method != "POST":
        return _index(request)
    if _newsroom_key() is None:
        return _page(request, "closed.html", status=503)
    form = FirstTipForm(request.POST, request.FILES)
    problem = _guarded(request)
    if problem or not form.is_valid():
        return _index(request, form=form, problem=problem, status=400 if problem else 200)
    data = form.cleaned_data
    try:
        tip, words = submissions.receive_first(
            data["message"], data["attachments"], data["keep_originals"], data["contact"]
        )
    except submissions.InboxFull as full:
        return _index(request, form=form, problem=str(full), status=507)
    return _page(request, "sent.html", codename=words, attachment_count=tip.attachment_count)


def _conversation(request, source, keys, words, form=None, sent=False, status=200):
    try:
        replies = submissions.conversation(source, keys)
    except CannotOpen:
        replies = []
    return _page(
        request,
        "conversation.html",
        status=status,
        replies=replies,
        sent=sent,
        sent_count=submissions.sent_count(source),
        form=form or FollowUpForm(initial={"codename": words}),
    )


def _returning(request, words):
    """(source, keys) for a codename, None when over the attempts limit or unknown."""
    if guard.codename_attempts.hit():
        return None, BUSY
    source, keys = submissions.find_source(words)
    if source is None:
        return None, "We found nothing for that codename. Please check each word and try again."
    return (source, keys), ""


@csrf_exempt
@sensitive_post_parameters()  # error reports never show what a source typed
@require_POST
def come_back(request):
    codename_form = CodenameForm(request.POST)
    try:
        guard.check_origin(request)
    except guard.Refused as refused:
        return _index(request, codename_form=codename_form, problem=str(refused), status=400)
    if not codename_form.is_valid():
        return _index(request, codename_form=codename_form, status=400)
    found, problem = _returning(request, codename_form.cleaned_data["codename"])
    if found is None:
        codename_form.add_error("codename", problem)
        return _index(request, codename_form=codename_form, status=400)
    return _conversation(request, *found, codename_form.cleaned_data["codename"])


@csrf_exempt
@sensitive_post_parameters()  # error reports never show what a source typed
@require_POST
def follow_up(request):
    form = FollowUpForm(request.POST, request.FILES)
    codename_form = CodenameForm({"codename": request.POST.get("codename", "")})
    if not codename_form.is_valid():
        return _index(request, codename_form=codename_form, status=400)
    words = codename_form.cleaned_data["codename"]
    found, problem = _returning(request, words)
    if found is None:
        codename_form.add_error("codename", problem)
        return _index(request, codename_form=codename_form, status=400)
    source, keys = found
    problem = _guarded(request)
    if problem:
        form.add_error(None, problem)
    if problem or not form.is_valid():
        return _conversation(request, source, keys, words, form=form, status=400)
    data = form.cleaned_data
    try:
        submissions.receive_follow_up(
            source, data["message"], data["attachments"], data["keep_originals"]
        )
    except submissions.InboxFull as full:
        form.add_error(None, str(full))
        return _conversation(request, source, keys, words, form=form, status=507)
    return _conversation(request, source, keys, words, sent=True)


@require_GET
def public_key(request):
    key = _newsroom_key()
    if key is None:
        raise Http404("No newsroom key is configured.")
    return HttpResponse(key[1], content_type="application/pgp-keys; charset=us-ascii")
