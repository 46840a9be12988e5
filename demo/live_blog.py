"""The demo live blog: an invented allied exercise covered in a dozen updates over the
last few hours, still live, with key events, a pinned note and one corrected update.
Original text; every name, ship and unit is invented. Rows carry import_source "demo" (the
article) so a second run adds nothing."""

from datetime import timedelta

from django.utils import timezone
from django.utils.html import escape

from articles.models import Article, ArticleAuthor, Section
from authors.models import Author
from liveblog.models import LiveBlog, LiveUpdate, UpdateCorrection

from .newsroom import DEMO, Newsroom

SLUG = "exercise-iron-tide-live"
ARTICLE = {
    "title": "Live: Exercise Iron Tide amphibious landings on the northern coast",
    "standfirst": "Eleven navies put ashore some 4,000 marines in the largest landing drill "
    "the region has seen. Follow the day as it happens.",
    "body": [
        "Exercise Iron Tide brings together eleven navies, three carrier groups and about "
        "4,000 marines for a week of amphibious training on the northern coast. Today is the "
        "main landing day.",
        "Our correspondents are aboard the command ship and on the beach at Skarvik. This "
        "page is updated through the day; the newest updates are at the top.",
    ],
}
# (minutes ago, author slug, headline, paragraphs, key event, pinned)
UPDATES = [
    (
        300,
        "mira-lindqvist",
        "",
        [
            "Good morning from the bridge wing of the command ship. Sea state three, a thin "
            "fog lifting off the water, and a long grey line of landing ships on the horizon."
        ],
        False,
        False,
    ),
    (
        280,
        "tomas-reyes",
        "Pre-landing bombardment simulated",
        [
            "The first phase has begun: frigates are 'firing' on the beach defences, with the "
            "rounds counted by umpires rather than fired. Drones are spotting for them."
        ],
        True,
        False,
    ),
    (
        255,
        "mira-lindqvist",
        "",
        [
            "A mine-countermeasures group swept the approach lanes overnight. Its commander "
            "told us two practice mines were found and marked, one of them far outside the "
            "lane where planners expected it."
        ],
        False,
        False,
    ),
    (
        230,
        "tomas-reyes",
        "First wave ashore",
        [
            "The first wave of amphibious vehicles has crossed the beach at Skarvik, eleven "
            "minutes behind schedule. Officers blamed the fog rather than the 'enemy'."
        ],
        True,
        False,
    ),
    (
        210,
        "hana-okafor",
        "",
        [
            "From the beach: mud is the story so far. Two vehicles bogged down at the dune "
            "line and had to be towed clear by an armoured recovery vehicle."
        ],
        False,
        False,
    ),
    (
        185,
        "daniel-achterberg",
        "Why this exercise matters",
        [
            "Amphibious landings fell out of fashion for two decades. Iron Tide is the third "
            "large landing drill in the region in eighteen months, and planners say the aim "
            "is to prove that supplies, not troops, can be put ashore quickly.",
            "Logistics officers will judge the day by tonnes landed, not by the photographs.",
        ],
        False,
        False,
    ),
    (
        160,
        "tomas-reyes",
        "",
        [
            "Helicopters from the assault ship are lifting a second company inland to seize a "
            "road junction six kilometres from the beach."
        ],
        False,
        False,
    ),
    (
        140,
        "hana-okafor",
        "Air defence drill interrupts the landing",
        [
            "Landing craft were ordered to hold offshore for twenty minutes while a simulated "
            "missile attack was fought off. Umpires ruled one landing ship 'damaged'."
        ],
        True,
        False,
    ),
    (
        110,
        "mira-lindqvist",
        "",
        [
            "A floating causeway is being assembled off the beach so that trucks can drive "
            "straight from a cargo ship onto the sand. It is the piece of kit most observers "
            "came to see."
        ],
        False,
        False,
    ),
    (
        75,
        "hana-okafor",
        "",
        [
            "The beachmaster says 300 tonnes of stores are ashore so far: water, fuel "
            "bladders and pallets of training ammunition, stacked behind the dunes."
        ],
        False,
        False,
    ),
    (
        40,
        "tomas-reyes",
        "Causeway open for traffic",
        [
            "The first lorry has rolled off the causeway onto the beach, two hours later "
            "than planned. Engineers say the swell made joining the sections slow work."
        ],
        True,
        False,
    ),
    (
        15,
        "daniel-achterberg",
        "How we are covering Iron Tide",
        [
            "We are reporting from the command ship and the beach with the exercise staff's "
            "permission. Nothing here is shown to them before publication. Key events are "
            "summarised at the top of the page."
        ],
        False,
        True,
    ),
]
CORRECTED = 3  # the first-wave update (index in UPDATES)
CORRECTION = "This update first said the first wave was twenty minutes late; it was eleven minutes."


def load_live_blog():
    """Create the live blog if it is missing; return how many updates were created."""
    if Article.objects.filter(import_source=DEMO, import_id=SLUG).exists():
        return {"live updates": 0}
    now = timezone.now().replace(second=0, microsecond=0)
    start = now - timedelta(minutes=UPDATES[0][0] + 20)
    lead = Newsroom().image(
        f"{SLUG}-lead",
        "naval",
        alt="Illustration: landing craft approaching a beach",
        caption="Landing craft heading for the beach, drawn for the Iron Tide live blog",
        credit="Defence Blog graphics",
        tags=["Naval", "Illustration", "Exercises"],
    )
    article = Article.objects.create(
        lead_image=lead,
        title=ARTICLE["title"],
        slug=SLUG,
        standfirst=ARTICLE["standfirst"],
        body="".join(f"<p>{escape(text)}</p>" for text in ARTICLE["body"]),
        section=Section.objects.filter(slug="naval").first(),
        status=Article.Status.PUBLISHED,
        published_at=start,
        import_source=DEMO,
        import_id=SLUG,
    )
    authors = {a.slug: a for a in Author.objects.filter(slug__in={u[1] for u in UPDATES})}
    for position, slug in enumerate(["mira-lindqvist", "tomas-reyes"]):
        if slug in authors:
            ArticleAuthor.objects.create(article=article, author=authors[slug], position=position)
    article.tags.add("Exercises", "Amphibious warfare", "Navy")
    blog = LiveBlog.objects.create(article=article, coverage_start=start)
    for index, (minutes, author, headline, paragraphs, key_event, pinned) in enumerate(UPDATES):
        update = LiveUpdate.objects.create(
            live_blog=blog,
            published_at=now - timedelta(minutes=minutes),
            author=authors.get(author),
            headline=headline,
            body="".join(f"<p>{escape(text)}</p>" for text in paragraphs),
            key_event=key_event,
            pinned=pinned,
        )
        if index == CORRECTED:
            UpdateCorrection.objects.create(
                update=update, text=CORRECTION, published_at=now - timedelta(minutes=200)
            )
    return {"live updates": len(UPDATES)}
