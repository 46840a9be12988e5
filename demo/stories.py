"""Demo articles. Original text; every company, person and quotation is invented.

Each story: slug, title, section, authors (slugs, byline order), tags, standfirst,
paragraphs, optional quote (text, attribution), optional figure caption and credit for an
inline picture, optional table, days_ago (publication age), and flags.
"""

STORIES = [
    # --- Land ---------------------------------------------------------------------------
    {
        "slug": "army-orders-tracked-howitzers",
        "title": "Army orders 120 tracked howitzers in its largest artillery deal",
        "section": "land",
        "authors": ["tomas-reyes", "hana-okafor"],
        "tags": ["Artillery", "Procurement", "Ammunition"],
        "standfirst": "The contract doubles the service's long-range fires within five years "
        "and includes a domestic shell line.",
        "paragraphs": [
            "The Defence Ministry signed a contract on Monday for 120 tracked self-propelled "
            "howitzers, the largest artillery order in the army's history.",
            "Deliveries are due to begin in the second half of next year at a rate of two "
            "guns a month, rising to four once a second assembly hall opens.",
            "The package also funds a production line for 155 mm shells, which officials "
            "described as the real bottleneck: guns without ammunition, one said, are "
            "expensive sculptures.",
            "Crews will train on simulators first. Live-fire qualification is planned for "
            "the spring after the first battery is complete.",
        ],
        "quote": (
            "Range and a deep magazine are what deter. This order buys both.",
            "a senior army planner",
        ),
        "figure": ("A howitzer crew rehearses a fire mission during trials", "Supplied: Army"),
        "table": [
            ["Item", "Quantity"],
            ["Tracked howitzers", "120"],
            ["Ammunition resupply vehicles", "60"],
            ["Training simulators", "12"],
        ],
        "days_ago": 1,
        "featured": True,
    },
    {
        "slug": "infantry-fighting-vehicle-upgrade-trials",
        "title": "Upgraded infantry fighting vehicle completes winter trials",
        "section": "land",
        "authors": ["tomas-reyes"],
        "tags": ["Armour", "Testing", "Cold weather"],
        "standfirst": "A new engine and thermal sights passed six weeks at minus 30 degrees.",
        "paragraphs": [
            "The mid-life upgrade of the army's infantry fighting vehicle has completed six "
            "weeks of cold-weather trials in the northern training area.",
            "Two prototypes covered more than 4,000 kilometres between them with no engine "
            "failures, according to the trials report seen by Defence Blog.",
            "The upgrade replaces the original diesel, adds a second thermal sight for the "
            "commander and rewires the turret for a remote weapon station.",
            "Full-rate conversion of the fleet is expected to start after a final round of "
            "firing trials in the summer.",
        ],
        "figure": (
            "A prototype crosses a frozen stream during trials",
            "Supplied: Kestrel Dynamics",
        ),
        "days_ago": 6,
    },
    {
        "slug": "reservists-new-training-model",
        "title": "Reservists move to a six-weekend training model",
        "section": "land",
        "authors": ["tomas-reyes"],
        "tags": ["Training", "Personnel"],
        "standfirst": "Commanders hope shorter, more frequent blocks will keep part-time "
        "soldiers from leaving.",
        "paragraphs": [
            "Army reserve units will replace their annual two-week camp with six training "
            "weekends spread through the year from January.",
            "Recruiters say the two-week camp was the single most common reason reservists "
            "gave for leaving, because few employers would release staff for that long.",
            "Each weekend will focus on one skill set, from first aid to convoy drills, with "
            "a combined exercise at the end of the cycle.",
        ],
        "quote": (
            "We would rather have a soldier for six weekends than lose them for good.",
            "a reserve brigade commander",
        ),
        "figure": ("Reservists on a navigation exercise", "Supplied: Army Reserve"),
        "days_ago": 13,
    },
    {
        "slug": "counter-drone-jammers-for-infantry",
        "title": "Infantry platoons to get handheld counter-drone jammers",
        "section": "land",
        "authors": ["tomas-reyes", "mira-lindqvist"],
        "tags": ["Drones", "Electronic warfare", "Procurement"],
        "standfirst": "Four hundred systems are being bought off the shelf after a fast-track "
        "competition.",
        "paragraphs": [
            "Every infantry platoon will carry a handheld drone jammer by the end of next "
            "year under an urgent requirement approved this week.",
            "The systems, about the size of a rifle, disrupt the control and navigation "
            "links of small commercial drones at ranges of up to a kilometre.",
            "The army ran a six-week competition in which three suppliers demonstrated their "
            "products against swarms of target drones.",
            "Soldiers involved in the trial asked for longer battery life and a simpler "
            "display; the winning bid promises both in its second production batch.",
        ],
        "figure": ("A soldier aims a jammer during the competition", "Supplied: Army"),
        "days_ago": 20,
    },
    {
        "slug": "bridge-layer-tank-replacement",
        "title": "Engineers pick a new armoured bridge-layer",
        "section": "land",
        "authors": ["tomas-reyes"],
        "tags": ["Armour", "Procurement"],
        "standfirst": "The vehicle can span a 24-metre gap in under five minutes.",
        "paragraphs": [
            "The Royal Engineers have chosen a tracked bridge-layer built on a modern tank "
            "chassis to replace vehicles that entered service four decades ago.",
            "The new system launches a 26-metre bridge without crew leaving the vehicle, a "
            "requirement driven by the threat from artillery and drones.",
            "Twenty-eight vehicles are planned, with the first squadron equipped within "
            "three years.",
        ],
        "figure": ("A bridge-layer deploys its span over a dry gap", "Supplied: Army"),
        "days_ago": 34,
    },
    {
        "slug": "ammunition-stockpile-audit",
        "title": "Audit finds ammunition stocks below wartime targets",
        "section": "land",
        "authors": ["hana-okafor"],
        "tags": ["Ammunition", "Budget", "Oversight"],
        "standfirst": "The state auditor says some natures would last days, not weeks, in a "
        "high-intensity conflict.",
        "paragraphs": [
            "Stocks of several types of ammunition are below the levels the army itself "
            "says it needs for a major war, according to a report by the state auditor.",
            "The audit does not publish the figures, but it says some categories would be "
            "exhausted within days of intensive use.",
            "The Defence Ministry said new production contracts already signed would close "
            "most of the gap within four years.",
            "Members of the defence committee have asked for a classified briefing before "
            "the next budget vote.",
        ],
        "days_ago": 48,
        "updated": True,
    },
    {
        "slug": "light-tactical-vehicle-fleet",
        "title": "Light tactical vehicle fleet reaches full operating capability",
        "section": "land",
        "authors": ["tomas-reyes"],
        "tags": ["Armour", "Logistics"],
        "standfirst": "More than 900 vehicles are now in service with reconnaissance and "
        "support units.",
        "paragraphs": [
            "The army has declared full operating capability for its light tactical "
            "vehicle, eight years after the programme began.",
            "Availability rates have risen above 85 per cent after a change in the spare "
            "parts contract, officials said.",
            "A second batch with improved mine protection is under discussion.",
        ],
        "days_ago": 71,
    },
    {
        "slug": "mortar-teams-new-fire-control",
        "title": "Mortar teams get tablet-based fire control",
        "section": "land",
        "authors": ["tomas-reyes"],
        "tags": ["Artillery", "Innovation", "Training"],
        "standfirst": "Time from call for fire to first round falls by more than half in trials.",
        "paragraphs": [
            "Mortar platoons are receiving rugged tablets that calculate firing data and "
            "share targets with forward observers.",
            "In trials the time from a call for fire to the first round landing fell from "
            "more than four minutes to under two.",
            "The software was written by a small domestic company and has been adapted from "
            "a civilian surveying product.",
        ],
        "days_ago": 96,
    },
    # --- Air ----------------------------------------------------------------------------
    {
        "slug": "fighter-fleet-extension-decision",
        "title": "Air force extends fighter fleet to bridge the gap to its next jet",
        "section": "air",
        "authors": ["mira-lindqvist", "hana-okafor"],
        "tags": ["Combat aircraft", "Budget", "Sustainment"],
        "standfirst": "Thirty-six jets will fly until 2040 after structural work and a radar "
        "upgrade.",
        "paragraphs": [
            "The air force will keep 36 of its current fighters in service until 2040, "
            "five years longer than planned, to cover delays to their replacement.",
            "The extension includes wing reinforcement, an electronically scanned radar and "
            "a new self-protection suite.",
            "The decision ends months of debate about whether to buy an interim type "
            "instead, which officials said would have cost more and split training.",
        ],
        "quote": (
            "Extending a known fleet is the least risky way across the gap.",
            "an air staff officer",
        ),
        "figure": ("Two fighters over the coast during a training sortie", "Supplied: Air Force"),
        "days_ago": 2,
    },
    {
        "slug": "ground-based-air-defence-battery-delivered",
        "title": "First medium-range air defence battery handed over",
        "section": "air",
        "authors": ["mira-lindqvist"],
        "tags": ["Air defence", "Missiles", "Procurement"],
        "standfirst": "The battery is the first of four and covers a radius of 40 kilometres.",
        "paragraphs": [
            "The first of four medium-range air defence batteries has been handed over to "
            "the air force, a month ahead of schedule.",
            "Each battery combines a rotating radar, a command post and three launchers "
            "with eight ready missiles each.",
            "Crews spent nine months training abroad before the handover, and the battery "
            "will take part in a national exercise in the spring.",
            "The remaining three batteries are due over the next two years.",
        ],
        "figure": (
            "Launchers in their firing positions at the handover ceremony",
            "Supplied: Valdor Aerospace",
        ),
        "days_ago": 8,
    },
    {
        "slug": "tanker-aircraft-pooling-agreement",
        "title": "Five countries sign tanker aircraft pooling agreement",
        "section": "air",
        "authors": ["mira-lindqvist"],
        "tags": ["Logistics", "Alliances"],
        "standfirst": "Partners will share flying hours on a fleet of eight multi-role tankers.",
        "paragraphs": [
            "Five countries have agreed to pool flying hours on a shared fleet of eight "
            "tanker-transport aircraft based at two airfields.",
            "Each partner buys a share of hours rather than aircraft, and can call on the "
            "whole fleet in a crisis.",
            "The arrangement copies a model that several smaller air forces already use for "
            "strategic transport.",
        ],
        "figure": ("A tanker refuels two fighters during a demonstration", "Supplied: Air Force"),
        "days_ago": 17,
    },
    {
        "slug": "trainer-jet-competition-shortlist",
        "title": "Three jets shortlisted to replace ageing trainers",
        "section": "air",
        "authors": ["mira-lindqvist"],
        "tags": ["Training", "Combat aircraft", "Procurement"],
        "standfirst": "A decision is expected next autumn, with the first aircraft in 2029.",
        "paragraphs": [
            "The air force has shortlisted three jet trainers to replace a fleet that "
            "first flew in the 1980s.",
            "The requirement stresses simulation: instructors want to inject virtual "
            "threats into live training flights.",
            "Bidders have been asked to price a full training service, including ground "
            "schools and maintenance, rather than aircraft alone.",
        ],
        "table": [
            ["Requirement", "Value"],
            ["Aircraft", "24"],
            ["Simulators", "6"],
            ["Service period", "25 years"],
        ],
        "days_ago": 29,
    },
    {
        "slug": "long-endurance-drone-squadron",
        "title": "New squadron stands up to fly long-endurance drones",
        "section": "air",
        "authors": ["mira-lindqvist", "tomas-reyes"],
        "tags": ["Drones", "Surveillance"],
        "standfirst": "The unit will watch maritime approaches and support search and rescue.",
        "paragraphs": [
            "A new squadron has formed to operate four long-endurance surveillance drones "
            "from a coastal air base.",
            "The aircraft can stay airborne for more than 30 hours and carry a maritime "
            "radar as well as cameras.",
            "Civil aviation authorities have approved corridors that let the drones transit "
            "controlled airspace.",
        ],
        "figure": (
            "A surveillance drone on the runway before its first sortie",
            "Supplied: Air Force",
        ),
        "days_ago": 44,
    },
    {
        "slug": "helicopter-availability-report",
        "title": "Report blames spare parts for grounded helicopters",
        "section": "air",
        "authors": ["hana-okafor"],
        "tags": ["Sustainment", "Oversight"],
        "standfirst": "Fewer than half of the transport helicopter fleet was ready to fly on "
        "an average day last year.",
        "paragraphs": [
            "Fewer than half of the armed forces' transport helicopters were available on "
            "an average day last year, a parliamentary report says.",
            "The committee found that most aircraft were waiting for parts rather than "
            "undergoing scheduled maintenance.",
            "It recommends moving to a performance-based support contract that pays the "
            "manufacturer for hours flown.",
        ],
        "days_ago": 63,
    },
    {
        "slug": "air-base-hardened-shelters",
        "title": "Air bases to get new hardened aircraft shelters",
        "section": "air",
        "authors": ["mira-lindqvist"],
        "tags": ["Infrastructure", "Air defence"],
        "standfirst": "The programme also funds rapid runway repair kits and dispersal sites.",
        "paragraphs": [
            "Three main operating bases will receive new hardened shelters under an "
            "infrastructure programme announced on Thursday.",
            "The plan also pays for rapid runway repair equipment and for improvements at "
            "civilian airports that could host dispersed aircraft.",
            "Planners say the aim is to make the fleet harder to destroy on the ground.",
        ],
        "days_ago": 85,
    },
    {
        "slug": "pilot-retention-bonus",
        "title": "Pilot retention bonus raised as airlines recruit",
        "section": "air",
        "authors": ["mira-lindqvist"],
        "tags": ["Personnel", "Training"],
        "standfirst": "Experienced pilots will be offered up to two years' extra pay to stay.",
        "paragraphs": [
            "The air force has raised its retention bonus for experienced pilots as "
            "commercial airlines step up recruitment.",
            "Pilots who commit to a further eight years will receive a payment worth up to "
            "two years of salary, spread across the period.",
            "Training a fast-jet pilot takes about five years, which makes each departure costly.",
        ],
        "days_ago": 110,
    },
    # --- Naval --------------------------------------------------------------------------
    {
        "slug": "first-frigate-sea-trials",
        "title": "First frigate of new class begins sea trials",
        "section": "naval",
        "authors": ["mira-lindqvist"],
        "tags": ["Warships", "Shipbuilding", "Testing"],
        "standfirst": "The ship left harbour on Monday for six weeks of builder's trials.",
        "paragraphs": [
            "The first of five new frigates sailed from the Northern Shipbuilding Group's "
            "yard on Monday to begin builder's sea trials.",
            "Over six weeks the crew and shipyard engineers will test propulsion, steering "
            "and power generation before combat systems trials later in the year.",
            "The programme is about eight months behind its original schedule, mainly "
            "because of late deliveries of gearboxes.",
            "The navy expects to accept the ship next spring.",
        ],
        "quote": (
            "A ship at sea is worth ten on the drawing board.",
            "the ship's commanding officer",
        ),
        "figure": ("The frigate leaves harbour at dawn", "Supplied: Northern Shipbuilding Group"),
        "days_ago": 3,
        "updated": True,
    },
    {
        "slug": "submarine-programme-design-review",
        "title": "Submarine programme passes critical design review",
        "section": "naval",
        "authors": ["mira-lindqvist", "daniel-achterberg"],
        "tags": ["Warships", "Shipbuilding", "Procurement"],
        "standfirst": "Steel for the first of four boats will be cut next year.",
        "paragraphs": [
            "The navy's new submarine programme has passed its critical design review, "
            "clearing the way for construction.",
            "The boats will use air-independent propulsion and lithium-ion batteries, "
            "allowing weeks submerged without snorting.",
            "The shipyard has hired 600 staff for the programme and is training welders in "
            "a new academy on site.",
        ],
        "figure": ("A model of the submarine design at the review", "Supplied: Navy"),
        "days_ago": 10,
    },
    {
        "slug": "mine-countermeasures-drones",
        "title": "Navy to clear mines with uncrewed boats",
        "section": "naval",
        "authors": ["mira-lindqvist"],
        "tags": ["Drones", "Baltic Sea"],
        "standfirst": "A motherhip will launch surface and underwater drones instead of "
        "sending crews into minefields.",
        "paragraphs": [
            "The navy will replace its mine-hunting ships with a system of uncrewed boats "
            "and underwater vehicles controlled from a mothership.",
            "Sailors will stay outside the minefield while the drones search, identify and "
            "destroy mines.",
            "The first system is due to be operational in the Baltic Sea within three years.",
        ],
        "figure": ("An uncrewed survey boat is lowered into the water", "Supplied: Navy"),
        "days_ago": 22,
    },
    {
        "slug": "patrol-vessels-arctic",
        "title": "Ice-strengthened patrol vessels ordered for the Arctic",
        "section": "naval",
        "authors": ["mira-lindqvist"],
        "tags": ["Cold weather", "Shipbuilding"],
        "standfirst": "Two ships will patrol northern waters year-round from 2029.",
        "paragraphs": [
            "The coast guard has ordered two ice-strengthened patrol vessels to operate in "
            "Arctic waters throughout the year.",
            "The ships can break ice up to a metre thick and carry a helicopter and two "
            "fast boats.",
            "They will also support fisheries protection and search and rescue.",
        ],
        "figure": (
            "An artist's impression of the patrol vessel in pack ice",
            "Supplied: Coast Guard",
        ),
        "days_ago": 38,
    },
    {
        "slug": "naval-strike-missile-integration",
        "title": "Corvettes to carry longer-range anti-ship missiles",
        "section": "naval",
        "authors": ["mira-lindqvist"],
        "tags": ["Missiles", "Warships"],
        "standfirst": "Integration work will take two years and start with the lead ship.",
        "paragraphs": [
            "The navy's corvettes will be fitted with a longer-range anti-ship missile, "
            "replacing a weapon that entered service in the 1990s.",
            "Each ship will carry eight launchers, and the missile can also strike targets "
            "on land.",
            "Firing trials are planned at a range off the west coast.",
        ],
        "days_ago": 52,
    },
    {
        "slug": "shipyard-apprentices",
        "title": "Shipyard doubles apprentice intake as orders grow",
        "section": "naval",
        "authors": ["daniel-achterberg"],
        "tags": ["Shipbuilding", "Skills"],
        "standfirst": "Two hundred apprentices will start this year in welding, electrics and "
        "design.",
        "paragraphs": [
            "The Northern Shipbuilding Group will take on 200 apprentices this year, twice "
            "its usual intake, to cope with naval orders.",
            "The company said a shortage of skilled welders was the main risk to its "
            "delivery schedule.",
            "A local college has built a new workshop to train them.",
        ],
        "days_ago": 77,
    },
    {
        "slug": "fleet-tanker-arrives",
        "title": "New fleet tanker arrives at home port",
        "section": "naval",
        "authors": ["mira-lindqvist"],
        "tags": ["Logistics", "Shipbuilding"],
        "standfirst": "The ship can refuel two warships at once while under way.",
        "paragraphs": [
            "The navy's new fleet tanker has arrived at its home port after delivery from "
            "the builder.",
            "The ship can transfer fuel to two vessels at the same time and carries dry "
            "stores and ammunition.",
            "It will join a task group exercise in the autumn.",
        ],
        "days_ago": 101,
    },
    # --- Industry -----------------------------------------------------------------------
    {
        "slug": "defence-budget-rise",
        "title": "Defence budget to rise 9 per cent next year",
        "section": "industry",
        "authors": ["hana-okafor", "daniel-achterberg"],
        "tags": ["Budget", "Procurement", "Ammunition"],
        "standfirst": "Ammunition, air defence and housing for personnel get the largest "
        "increases.",
        "paragraphs": [
            "The government will raise defence spending by 9 per cent next year, taking it "
            "above 2 per cent of national income for the first time in two decades.",
            "The largest increases go to ammunition production, ground-based air defence "
            "and barracks renovation.",
            "Opposition parties said the rise was welcome but questioned whether industry "
            "could deliver the equipment in time.",
        ],
        "table": [
            ["Area", "Change"],
            ["Ammunition", "+31%"],
            ["Air defence", "+24%"],
            ["Infrastructure", "+12%"],
            ["Personnel", "+6%"],
        ],
        "figure": ("The finance committee room before the budget debate", "Defence Blog"),
        "days_ago": 4,
    },
    {
        "slug": "kestrel-dynamics-results",
        "title": "Kestrel Dynamics order book hits record",
        "section": "industry",
        "authors": ["daniel-achterberg"],
        "tags": ["Company results", "Armour"],
        "standfirst": "The vehicle maker's backlog now covers six years of production.",
        "paragraphs": [
            "Kestrel Dynamics reported a record order backlog in its half-year results, "
            "driven by armoured vehicle contracts at home and abroad.",
            "Revenue rose 18 per cent, though margins narrowed because of higher steel and "
            "energy costs.",
            "The company plans a second assembly line and expects to hire 400 staff.",
        ],
        "days_ago": 11,
    },
    {
        "slug": "shell-factory-opens",
        "title": "New shell factory opens ahead of schedule",
        "section": "industry",
        "authors": ["daniel-achterberg", "tomas-reyes"],
        "tags": ["Ammunition", "Production", "Artillery"],
        "standfirst": "The plant will fill 150,000 artillery shells a year at full rate.",
        "paragraphs": [
            "A new artillery shell factory has opened two months ahead of schedule, "
            "financed by a long-term government purchase guarantee.",
            "At full rate it will fill 150,000 rounds a year, about three times the "
            "country's previous output.",
            "Managers said the guarantee was what persuaded investors: without it, few "
            "would build capacity that might sit idle in peacetime.",
        ],
        "figure": ("The filling line at the new shell factory", "Supplied: Ardent Munitions"),
        "days_ago": 19,
    },
    {
        "slug": "export-licence-reform",
        "title": "Government proposes faster export licence reviews",
        "section": "industry",
        "authors": ["hana-okafor"],
        "tags": ["Regulation"],
        "standfirst": "Licences for allied countries would be decided within 30 days.",
        "paragraphs": [
            "The government has proposed a 30-day deadline for export licence decisions on "
            "sales to allied countries.",
            "Industry groups have long complained that reviews can take a year, costing "
            "them contracts.",
            "Campaign groups warned that speed must not come at the expense of scrutiny and "
            "asked for annual public reporting.",
        ],
        "days_ago": 33,
    },
    {
        "slug": "small-firms-procurement-portal",
        "title": "Small firms get a single procurement portal",
        "section": "industry",
        "authors": ["daniel-achterberg"],
        "tags": ["Procurement", "Regulation", "Innovation"],
        "standfirst": "The ministry wants a quarter of its spending to reach small and "
        "medium-sized suppliers.",
        "paragraphs": [
            "The Defence Ministry has launched a single online portal for small companies "
            "to find and bid for contracts.",
            "Until now, opportunities were spread across a dozen agencies with different rules.",
            "The ministry has set a target of spending a quarter of its equipment budget "
            "with small and medium-sized firms by the end of the decade.",
        ],
        "days_ago": 58,
    },
    {
        "slug": "valdor-aerospace-merger",
        "title": "Valdor Aerospace agrees merger with sensor maker",
        "section": "industry",
        "authors": ["daniel-achterberg"],
        "tags": ["Company results", "Air defence"],
        "standfirst": "The combined company would build both missiles and the radars that "
        "guide them.",
        "paragraphs": [
            "Valdor Aerospace has agreed to merge with a radar and sensor manufacturer in a "
            "deal that needs competition approval.",
            "The companies said combining missiles and sensors under one roof would speed "
            "up development of air defence systems.",
            "Regulators are expected to examine whether the merger leaves the ministry with "
            "enough competition for future contracts.",
        ],
        "days_ago": 80,
    },
    {
        "slug": "defence-innovation-fund",
        "title": "Innovation fund backs twelve start-ups in first round",
        "section": "industry",
        "authors": ["daniel-achterberg"],
        "tags": ["Innovation", "Drones", "Budget"],
        "standfirst": "Grants range from robotics to battery chemistry.",
        "paragraphs": [
            "A new defence innovation fund has awarded grants to twelve start-ups in its "
            "first funding round.",
            "Projects include autonomous ground robots, new battery chemistries and "
            "software to plan logistics.",
            "Winners can win follow-on contracts if their prototypes succeed in field "
            "trials next year.",
        ],
        "days_ago": 121,
    },
    # --- Cyber & Space ------------------------------------------------------------------
    {
        "slug": "military-satellite-launch",
        "title": "First military communications satellite reaches orbit",
        "section": "cyber-space",
        "authors": ["mira-lindqvist"],
        "tags": ["Space", "Satellites"],
        "standfirst": "The satellite gives deployed forces secure broadband for the next 15 years.",
        "paragraphs": [
            "The country's first dedicated military communications satellite has reached "
            "geostationary orbit after launch on Sunday.",
            "It will provide encrypted broadband to ships, aircraft and deployed units, "
            "reducing reliance on commercial capacity.",
            "In-orbit testing will take about three months.",
        ],
        "figure": ("The satellite during final checks before launch", "Supplied: Space Agency"),
        "days_ago": 5,
    },
    {
        "slug": "cyber-command-recruitment",
        "title": "Cyber command opens direct entry for specialists",
        "section": "cyber-space",
        "authors": ["hana-okafor"],
        "tags": ["Cyber", "Personnel", "Skills"],
        "standfirst": "Experienced professionals can join at a senior rank without basic "
        "officer training.",
        "paragraphs": [
            "The armed forces' cyber command will let experienced civilian specialists join "
            "at a senior rank without the usual officer training.",
            "Applicants will still complete a shortened military course and a security "
            "vetting process.",
            "The command wants to fill 300 posts over three years.",
        ],
        "days_ago": 15,
    },
    {
        "slug": "gps-jamming-airline-reports",
        "title": "Airlines report more satellite navigation interference",
        "section": "cyber-space",
        "authors": ["mira-lindqvist", "hana-okafor"],
        "tags": ["Electronic warfare", "Satellites", "Baltic Sea", "Alliances"],
        "standfirst": "Pilots filed more than 1,200 reports of jamming or spoofing last month.",
        "paragraphs": [
            "Airlines filed more than 1,200 reports of satellite navigation interference "
            "last month, most of them over the Baltic Sea region.",
            "Aircraft fall back on inertial and ground-based navigation when signals are "
            "lost, and no incidents have been linked to the interference.",
            "Aviation authorities have issued new guidance to crews and asked for reports "
            "to include exact times and positions.",
        ],
        "figure": ("A ground station monitors navigation signals", "Supplied: Aviation Authority"),
        "days_ago": 26,
        "updated": True,
    },
    {
        "slug": "space-surveillance-radar",
        "title": "Space surveillance radar to track objects in low orbit",
        "section": "cyber-space",
        "authors": ["mira-lindqvist"],
        "tags": ["Space", "Surveillance"],
        "standfirst": "The radar will catalogue debris and satellites passing overhead.",
        "paragraphs": [
            "Construction has begun on a radar that will track satellites and debris in "
            "low Earth orbit.",
            "Data will be shared with allies and with civilian satellite operators to help "
            "avoid collisions.",
            "The site is expected to be operational in two years.",
        ],
        "days_ago": 41,
    },
    {
        "slug": "cyber-exercise-power-grid",
        "title": "Exercise tests defence of the power grid against cyber attack",
        "section": "cyber-space",
        "authors": ["hana-okafor"],
        "tags": ["Cyber", "Exercises", "Infrastructure"],
        "standfirst": "Military and civilian teams practised restoring power after a "
        "simulated attack.",
        "paragraphs": [
            "Military cyber units and power companies took part in a three-day exercise "
            "simulating an attack on the electricity grid.",
            "Teams practised isolating affected networks and restarting substations manually.",
            "Organisers said the biggest lesson was about communication between "
            "organisations rather than technology.",
        ],
        "quote": (
            "The hardest part was knowing who to call at three in the morning.",
            "an exercise organiser",
        ),
        "figure": ("Analysts in the exercise control room", "Supplied: Cyber Command"),
        "days_ago": 66,
    },
    {
        "slug": "electronic-warfare-aircraft-study",
        "title": "Study weighs converting business jets for electronic warfare",
        "section": "cyber-space",
        "authors": ["mira-lindqvist"],
        "tags": ["Electronic warfare", "Surveillance", "Combat aircraft"],
        "standfirst": "Two options are on the table, with a decision due in the spring.",
        "paragraphs": [
            "The air force is studying whether to convert business jets into signals "
            "intelligence and electronic attack aircraft.",
            "The alternative is to add pods to existing fighters, which is cheaper but "
            "offers less endurance.",
            "A recommendation is expected to go to ministers in the spring.",
        ],
        "days_ago": 90,
    },
    {
        "slug": "satellite-imagery-contract",
        "title": "Ministry buys commercial satellite imagery service",
        "section": "cyber-space",
        "authors": ["daniel-achterberg"],
        "tags": ["Satellites", "Surveillance", "Procurement"],
        "standfirst": "The five-year contract guarantees daily images of areas of interest.",
        "paragraphs": [
            "The Defence Ministry has signed a five-year contract for commercial satellite "
            "imagery with guaranteed daily revisits.",
            "The service complements a planned national reconnaissance satellite that will "
            "not be ready before the end of the decade.",
            "Analysts will receive images within hours of collection.",
        ],
        "days_ago": 115,
    },
    # --- More Land and Naval for depth ----------------------------------------------------
    {
        "slug": "army-logistics-rail",
        "title": "Army turns to rail to move heavy brigades",
        "section": "land",
        "authors": ["tomas-reyes"],
        "tags": ["Logistics", "Infrastructure", "Exercises"],
        "standfirst": "Three hundred new flat wagons will carry tanks across the country.",
        "paragraphs": [
            "The army is buying 300 heavy flat wagons so that armoured brigades can move "
            "by rail rather than on transporters.",
            "An exercise last year showed it took nine days to move a brigade by road; "
            "planners want to cut that to three.",
            "The national rail operator will maintain the wagons under a shared-use agreement.",
        ],
        "figure": ("Armoured vehicles loaded on flat wagons", "Supplied: Army"),
        "days_ago": 27,
    },
    {
        "slug": "harbour-protection-sonar",
        "title": "Harbours get new sonar against divers and underwater drones",
        "section": "naval",
        "authors": ["mira-lindqvist"],
        "tags": ["Surveillance", "Infrastructure", "Drones"],
        "standfirst": "Six naval harbours will be covered by the end of next year.",
        "paragraphs": [
            "The navy is installing sonar systems at six harbours to detect divers and "
            "small underwater drones.",
            "Alerts go to a harbour protection team that can respond with patrol boats.",
            "Energy terminals nearby will be able to connect to the same network.",
        ],
        "figure": ("A harbour patrol boat on a night exercise", "Supplied: Navy"),
        "days_ago": 55,
    },
    {
        "slug": "body-armour-contract-women",
        "title": "Body armour designed for women enters service",
        "section": "industry",
        "authors": ["daniel-achterberg", "tomas-reyes"],
        "tags": ["Personnel", "Procurement", "Production"],
        "standfirst": "The new plates and carriers come in twelve sizes instead of four.",
        "paragraphs": [
            "Body armour designed around women's measurements has entered service after "
            "two years of trials with volunteers.",
            "The new carriers come in twelve sizes, and the plates are shaped to reduce "
            "pressure on the chest and hips during long marches.",
            "The supplier, a domestic textiles firm, will make 25,000 sets over three years.",
        ],
        "days_ago": 138,
    },
]

DRAFT = {
    "slug": "next-generation-tank-options",
    "title": "What the army wants from its next tank",
    "section": "land",
    "authors": ["tomas-reyes"],
    "tags": ["Armour", "Procurement"],
    "standfirst": "Requirements documents point to a lighter, more protected vehicle.",
    "paragraphs": [
        "Draft requirements for the army's next main battle tank emphasise protection "
        "against top-attack munitions and drones.",
        "This piece is waiting for comment from the ministry before publication.",
    ],
}
