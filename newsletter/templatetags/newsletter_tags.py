"""{% newsletter_signup "footer" %}: the sign-up form for cached reader pages. It carries
no CSRF token and sets no cookie (docs/decisions.md), only the signed render time, which
stays valid far longer than a page is cached."""

from django import template

from newsletter.forms import SignupForm

register = template.Library()


@register.inclusion_tag("includes/newsletter_signup.html")
def newsletter_signup(source, heading="Get the newsletter"):
    # Ids per box (newsletter-footer-rendered, …): a page can hold more than one form.
    form = SignupForm(initial={"source": source}, auto_id=f"newsletter-{source}-%s")
    return {"form": form, "source": source, "heading": heading}
