"""What the support app adds to the publisher's schema.org NewsMediaOrganization: links to
its policy pages (support.Page) and to the support page, which says how the newsroom is
funded. The support context processor hands them to every page as `publisher_links`."""

from django.urls import NoReverseMatch, reverse

from core.links import absolute_url

# The publisher's policy pages (Page slugs) and what schema.org calls them.
POLICY_PAGES = {
    "masthead": "masthead",
    "correctionsPolicy": "corrections-policy",
    "ethicsPolicy": "ethics",
    "publishingPrinciples": "publishing-principles",
    "verificationFactCheckingPolicy": "verification",
    "actionableFeedbackPolicy": "feedback-policy",
}


def _url(name, **kwargs):
    try:
        return absolute_url(reverse(name, kwargs=kwargs))
    except NoReverseMatch:
        return None


def publisher_links(published_page_slugs):
    """{schema.org property: absolute URL} for the policy pages that are published, and
    ownershipFundingInfo pointing at the support page."""
    links = {
        prop: _url("support:page", slug=slug)
        for prop, slug in POLICY_PAGES.items()
        if slug in published_page_slugs
    }
    links["ownershipFundingInfo"] = _url("support:index")
    return {prop: url for prop, url in links.items() if url}
