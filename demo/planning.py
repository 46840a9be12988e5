"""The planning desk's demo: a week of planned stories, a freelance commission and the
diary's coming events. Every name, place and event is invented. Dates are relative to the
day the demo is loaded, so the calendar always has something this week."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from articles.models import Section
from authors.models import Author
from planning import budget
from planning.models import BudgetLine, Event

EVENTS = [
    {
        "title": "Northern Shield air-defence exercise",
        "days": 2,
        "hours": 3,
        "place": "Range 7, coastal test area",
        "links": "https://example.org/northern-shield-programme",
        "notes": "Press day on the second morning; accreditation closes two days before.",
    },
    {
        "title": "Defence committee hearing on the tanker programme",
        "days": 4,
        "hours": 2,
        "place": "Parliament, committee room 3",
        "links": "https://example.org/committee-agenda",
        "notes": "The programme director and the procurement agency's chief give evidence.",
    },
    {
        "title": "Maritime systems fair",
        "days": 12,
        "hours": 8,
        "place": "Harbour exhibition centre",
        "links": "",
        "notes": "Three days. The shipyards announce export deals here most years.",
    },
]

LINES = [
    {
        "slug": "tanker-hearing-preview",
        "pitch": "What the committee will press the tanker programme on: the two-year delay, "
        "the cost overrun and who signed off the revised schedule.",
        "section": "industry",
        "writers": ["daniel-achterberg"],
        "deadline": 3,
        "publish_at": 4,
        "priority": BudgetLine.Priority.HIGH,
        "event": "Defence committee hearing on the tanker programme",
    },
    {
        "slug": "northern-shield-explainer",
        "pitch": "A plain guide to the air-defence exercise: which systems take part, what the "
        "targets simulate and what the army hopes to learn.",
        "section": "air",
        "writers": ["mira-lindqvist"],
        "deadline": 1,
        "publish_at": 2,
        "priority": BudgetLine.Priority.NORMAL,
        "event": "Northern Shield air-defence exercise",
    },
    {
        "slug": "shipyard-apprentices-feature",
        "pitch": "A day with the apprentices who will build the next frigates, and why the "
        "yard cannot hire welders fast enough.",
        "section": "naval",
        "writers": ["tomas-reyes"],
        "deadline": 8,
        "publish_at": 10,
        "priority": BudgetLine.Priority.LOW,
        "fee": Decimal("450.00"),
        "currency": "EUR",
    },
    {
        "slug": "satellite-jamming-idea",
        "pitch": "Idea: how often are commercial satellites jammed near exercise areas, and "
        "who is asked to keep quiet about it?",
        "section": "cyber-space",
        "writers": [],
        "deadline": None,
        "publish_at": None,
        "priority": BudgetLine.Priority.NORMAL,
    },
]


def load_planning():
    """Create the diary and the budget lines that are missing; return how many."""
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    created = {"planned stories": 0, "diary events": 0}
    events = {}
    for spec in EVENTS:
        event, made = Event.objects.get_or_create(
            title=spec["title"],
            defaults={
                "starts_at": now + timedelta(days=spec["days"]),
                "ends_at": now + timedelta(days=spec["days"], hours=spec["hours"]),
                "place": spec["place"],
                "links": spec["links"],
                "notes": spec["notes"],
            },
        )
        events[event.title] = event
        created["diary events"] += made
    sections = {s.slug: s for s in Section.objects.all()}
    authors = {a.slug: a for a in Author.objects.all()}
    for spec in LINES:
        if BudgetLine.objects.filter(slug=spec["slug"]).exists():
            continue
        line = BudgetLine.objects.create(
            slug=spec["slug"],
            pitch=spec["pitch"],
            section=sections.get(spec["section"]),
            priority=spec["priority"],
            deadline=now + timedelta(days=spec["deadline"]) if spec["deadline"] else None,
            publish_at=now + timedelta(days=spec["publish_at"]) if spec["publish_at"] else None,
            event=events.get(spec.get("event")),
            fee=spec.get("fee"),
            currency=spec.get("currency", ""),
        )
        budget.assign(line, [authors[slug] for slug in spec["writers"] if slug in authors])
        created["planned stories"] += 1
    return created
