import logging

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, ListView, TemplateView

from articles.models import Article, Correction
from articles.search_columns import GENERATED
from core import spam
from core.caching import public_page
from core.tasks import enqueue_on_commit

from . import tasks
from .forms import ErrorReportForm
from .models import ErrorReport
from .spam import spam_reason

logger = logging.getLogger(__name__)

CORRECTIONS_PAGE_SIZE = 25


def article_from_query(request):
    """The published article named by ?article=<id>, None without one; 404 for anything
    else (a draft, a typo, an article that was withdrawn)."""
    value = request.GET.get("article", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise Http404("No such article")
    return get_object_or_404(Article.objects.published().select_related("section"), pk=value)


@method_decorator(never_cache, name="dispatch")
class ReportError(FormView):
    """The public error-report form. Works without JavaScript; never cached."""

    form_class = ErrorReportForm
    template_name = "feedback/report_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.article = article_from_query(request)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "article": self.article,
            "request_host": self.request.get_host(),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(article=self.article, **kwargs)
        context["form_action"] = self.request.get_full_path()
        return context

    def post(self, request, *args, **kwargs):
        hashed = spam.client_hash(request)
        if spam.rate_limited(hashed):
            logger.info("Error report refused: rate limit for client %s…", hashed[:12])
            response = self.response_class(
                request=request,
                template="feedback/rate_limited.html",
                context={"article": self.article, "submitted": request.POST},
                status=429,
            )
            response["Retry-After"] = spam.retry_after()
            return response
        form = self.get_form()
        problem = form.token_problem()
        if problem is not None:
            form.add_error(None, str(problem))
            return self.form_invalid(form)
        if not form.is_valid():
            return self.form_invalid(form)
        return self.report_received(form, hashed)

    def report_received(self, form, hashed):
        report = form.save(commit=False)
        report.client_hash = hashed
        report.spam_reason = spam_reason(form.cleaned_data, form.honeypot_filled())
        if report.spam_reason:
            report.status = ErrorReport.Status.SPAM
        # Saved first; the e-mails are background tasks enqueued after the commit, so a
        # mail server that is down neither slows the reader down nor loses anything.
        with transaction.atomic():
            report.save()
            if report.status != ErrorReport.Status.SPAM:
                enqueue_on_commit(tasks.notify_staff, report.pk)
                if report.can_reply:
                    enqueue_on_commit(tasks.acknowledge_reader, report.pk)
        if report.spam_reason:
            logger.info("Error report %s stored as spam: %s", report.pk, report.spam_reason)
        thanks = reverse("feedback:thanks")
        return redirect(f"{thanks}?article={self.article.pk}" if self.article else thanks)


@method_decorator(public_page, name="dispatch")
class Thanks(TemplateView):
    template_name = "feedback/thanks.html"

    def get_context_data(self, **kwargs):
        try:
            article = article_from_query(self.request)
        except Http404:
            article = None
        return super().get_context_data(article=article, **kwargs)


@method_decorator(public_page, name="dispatch")
class CorrectionList(ListView):
    """/corrections/: every published correction on a published article, newest first."""

    template_name = "feedback/correction_list.html"
    context_object_name = "corrections"
    paginate_by = CORRECTIONS_PAGE_SIZE

    def get_queryset(self):
        return (
            Correction.objects.visible()
            .filter(article__in=Article.objects.published())
            .select_related("article", "article__section")
            .defer(*(f"article__{name}" for name in ("body", "search_names", *GENERATED)))
            .order_by("-published_at", "-id")
        )
