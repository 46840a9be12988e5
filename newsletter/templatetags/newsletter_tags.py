"""{% newsletter_signup "footer" %}: the sign-up form for cached reader pages. It carries
no CSRF token and sets no cookie (docs/decisions.md), only the signed render time, which
stays valid far longer than a page is cached."""

from django import template

from core.spam import form_token

register = template.Library()


@register.inclusion_tag("includes/newsletter_signup.html")
def newsletter_signup(source, heading="Get the newsletter"):
    """The box's fields are written in its template, ids per box (newsletter-footer-email,
    …: a page can hold more than one form), with the signed render time that SignupForm
    checks (core.spam): every reader page has one, and building the form and its hidden
    field's widget template cost more than the rest of the footer."""
    return {"token": form_token(), "source": source, "heading": heading}
