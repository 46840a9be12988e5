"""Schema.org descriptions of people: a Person for bylines and a ProfilePage for the
author page. Nothing here reads the database beyond what the page has already loaded
(the author page reads the profile links: `profile_links`, authors.views)."""

from core.links import absolute_url
from core.structured_data import organization_id


def person(author):
    data = {
        "@type": "Person",
        "@id": absolute_url(author.get_absolute_url()) + "#person",
        "name": author.name,
        "url": absolute_url(author.get_absolute_url()),
    }
    if author.role:
        data["jobTitle"] = author.role
    return data


def profile_page(author):
    """ProfilePage with the author as a Person: job title, portrait, bio and the public
    profiles elsewhere (sameAs)."""
    data = person(author)
    data["worksFor"] = {"@id": organization_id()}
    if author.short_bio:
        data["description"] = author.short_bio
    if author.photo:
        data["image"] = absolute_url(author.photo_large_url)
    same_as = [link.url for link in author.profile_links]
    if same_as:
        data["sameAs"] = same_as
    return {
        "@type": "ProfilePage",
        "url": absolute_url(author.get_absolute_url()),
        "dateCreated": author.created.isoformat(),
        "dateModified": author.modified.isoformat(),
        "mainEntity": data,
    }
