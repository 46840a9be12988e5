"""What makes an error report spam, besides the defences every public form has
(core/spam.py: honeypot, signed render time, rate limit): links stuffed into its text.
Such a report is stored with the status "spam", not thrown away."""

from django.conf import settings

from core.spam import count_links


def spam_reason(cleaned_data, honeypot_filled):
    """Why a submission looks like spam, or "" when it does not."""
    if honeypot_filled:
        return "Filled in the hidden field people never see."
    links = count_links(
        cleaned_data.get("quoted_text"),
        cleaned_data.get("suggested_correction"),
        cleaned_data.get("details"),
        cleaned_data.get("name"),
    )
    if links > settings.FEEDBACK_MAX_LINKS:
        return f"{links} links in the text (more than {settings.FEEDBACK_MAX_LINKS})."
    return ""
