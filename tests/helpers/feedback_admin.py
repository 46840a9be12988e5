"""Helpers of the error-report admin's tests (tests/feedback/admin/)."""

from feedback.models import ErrorReport

CHANGELIST = "/admin/feedback/errorreport/"


def change_url(report):
    return f"{CHANGELIST}{report.pk}/change/"


def make_report(article=None, **fields):
    values = {
        "article": article,
        "page_url": "" if article else "/about/",
        "kind": ErrorReport.Kind.FACTUAL,
        "quoted_text": "The frigate displaces 4,000 tonnes",
        "suggested_correction": "It displaces 6,000 tonnes",
        **fields,
    }
    return ErrorReport.objects.create(**values)


def login(client, user):
    client.force_login(user)
    return client


def action(client, name, reports, **params):
    return client.post(
        CHANGELIST + (f"?{params['query']}" if params else ""),
        {"action": name, "_selected_action": [r.pk for r in reports], "index": 0},
    )
