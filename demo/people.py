"""Demo sections and authors. Every name, organisation and quotation is invented."""

SECTIONS = [
    {
        "name": "Land",
        "slug": "land",
        "order": 1,
        "description": "Armour, artillery, infantry equipment and the armies that use them.",
    },
    {
        "name": "Air",
        "slug": "air",
        "order": 2,
        "description": "Combat aircraft, air defence, drones and the air forces that fly them.",
    },
    {
        "name": "Naval",
        "slug": "naval",
        "order": 3,
        "description": "Warships, submarines, shipyards and the navies at sea.",
    },
    {
        "name": "Industry",
        "slug": "industry",
        "order": 4,
        "description": "Contracts, budgets, factories and the business of defence.",
    },
    {
        "name": "Cyber & Space",
        "slug": "cyber-space",
        "order": 5,
        "description": "Satellites, electronic warfare and conflict in networks.",
    },
]

AUTHORS = [
    {
        "name": "Hana Okafor",
        "slug": "hana-okafor",
        "role": "Executive Editor",
        "colour": (142, 68, 50),
        "short_bio": "Hana runs the Defence Blog newsroom and writes about European "
        "procurement and alliance politics.",
        "long_bio": "Hana Okafor has edited Defence Blog since its relaunch. Before that she "
        "spent eight years as a parliamentary reporter covering defence committees and "
        "spending reviews.\n\nShe reads budget documents for fun, insists that every figure "
        "in the publication has a source, and is the person who signs off corrections.\n\n"
        "Tips and complaints reach her through the contact page.",
        "links": [("Personal site", "https://example.org/hana-okafor")],
    },
    {
        "name": "Tomas Reyes",
        "slug": "tomas-reyes",
        "role": "Land Warfare Correspondent",
        "colour": (60, 96, 70),
        "short_bio": "Tomas covers armies, artillery and armoured vehicles, and has reported "
        "from training areas across three continents.",
        "long_bio": "Tomas Reyes joined Defence Blog from a regional newspaper, where he "
        "covered the local garrison for six years.\n\nHe specialises in land systems, "
        "logistics and the unglamorous details — spare parts, training hours, ammunition "
        "stocks — that decide whether equipment works in the field.",
        "links": [("Mastodon", "https://example.social/@tomasreyes")],
    },
    {
        "name": "Mira Lindqvist",
        "slug": "mira-lindqvist",
        "role": "Naval and Air Correspondent",
        "colour": (46, 84, 140),
        "short_bio": "Mira writes about navies, shipbuilding and military aviation from the "
        "Baltic to the Pacific.",
        "long_bio": "Mira Lindqvist trained as a marine engineer before turning to "
        "journalism.\n\nShe follows shipbuilding programmes from first steel to "
        "commissioning and keeps a long memory for delivery dates that slipped.",
        "links": [
            ("Personal site", "https://example.org/mira-lindqvist"),
            ("Newsletter", "https://example.org/mira-lindqvist/newsletter"),
        ],
    },
    {
        "name": "Daniel Achterberg",
        "slug": "daniel-achterberg",
        "role": "Industry Reporter",
        "colour": (120, 100, 40),
        "short_bio": "Daniel follows the money: contracts, company results and the "
        "factories behind them.",
        "long_bio": "Daniel Achterberg reports on the defence industry, from quarterly "
        "results to production-line bottlenecks.\n\nHe previously worked as a financial "
        "analyst and still cannot resist a spreadsheet.",
        "links": [],
    },
]
