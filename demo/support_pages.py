"""Demo content for the support page and the site's own pages. Original text, written for
the demo; payment links point at example.org and the bank details are invented."""

from django.db import transaction

from support.models import DonationOption, Page, SupportPage

SUPPORT = {
    "title": "Support Defence Blog",
    "intro": (
        "<p>Defence Blog is read by soldiers, engineers, analysts, procurement officers and "
        "people who simply want to know how their taxes are spent on security. It is free to "
        "read and it will stay that way. Readers who can afford it make that possible.</p>"
    ),
    "body": (
        "<h2>What your support pays for</h2>"
        "<ul><li>Reporters' time to read contract notices, budget lines and audit reports "
        "that nobody else reads to the end.</li>"
        "<li>Travel to trade shows, test ranges and shipyards, so that we report what we "
        "saw rather than what a press release said.</li>"
        "<li>Fact-checking and corrections: every report of an error is read by an editor.</li>"
        "</ul>"
        "<h2>Why it matters</h2>"
        "<p>We take no money from defence companies or governments for our coverage, and "
        "advertisers never see a story before it is published. Money from readers keeps it "
        "that way. Gifts are not tax-deductible and they do not buy influence over what we "
        "write.</p>"
        "<p>If you cannot give, you help just as much by sharing our reporting and by telling "
        "us when we get something wrong.</p>"
    ),
    "seo_description": (
        "Help keep independent defence reporting free to read: give once, give monthly or "
        "transfer directly."
    ),
    "thanks_title": "Thank you for your support",
    "thanks_body": (
        "<p>Your gift has reached us. It goes straight into reporting: time, travel and "
        "fact-checking.</p>"
        "<p>Your payment provider sends the receipt by e-mail. To change or cancel a monthly "
        "gift, use the link in that e-mail, or write to us and we will do it for you.</p>"
    ),
}

OPTIONS = [
    {
        "slug": "give-once",
        "label": "Give once",
        "kind": DonationOption.Kind.ONE_TIME,
        "description": "Any amount, by card, Apple Pay or Google Pay, through our card "
        "payment provider.",
        "button_text": "Give once by card",
        "url": "https://example.org/pay/defence-blog/once",
        "order": 10,
    },
    {
        "slug": "monthly",
        "label": "Become a monthly supporter",
        "kind": DonationOption.Kind.MONTHLY,
        "description": "A regular gift lets us plan longer investigations. Change or cancel "
        "it at any time.",
        "button_text": "Support us monthly",
        "url": "https://example.org/membership/defence-blog/monthly",
        "order": 20,
    },
    {
        "slug": "paypal",
        "label": "Give with PayPal",
        "kind": DonationOption.Kind.ONE_TIME,
        "description": "If you prefer to pay from a PayPal balance.",
        "button_text": "Donate with PayPal",
        "url": "https://example.org/paypal/defence-blog",
        "order": 30,
    },
    {
        "slug": "bank-transfer",
        "label": "Transfer from your bank",
        "kind": DonationOption.Kind.BANK,
        "description": "No card fees, which suits larger gifts. These details are an example "
        "for the demo site: do not send money to them.",
        "payment_details": (
            "EXAMPLE ONLY, not a real account\n"
            "Account name: Defence Blog Media (example)\n"
            "IBAN: XX00 EXAM PLE0 0000 0000 00\n"
            "BIC: EXAMPLEXXX\n"
            "Reference: SUPPORT and your name"
        ),
        "order": 40,
    },
]

PAGES = [
    {
        "slug": "about",
        "title": "About Defence Blog",
        "footer_order": 1,
        "seo_description": "Who we are, what we cover and how Defence Blog is funded.",
        "body": (
            "<p>Defence Blog is an independent newsroom covering armed forces, military "
            "technology, security policy and the arms industry. We report on what is "
            "ordered, built, tested, deployed and paid for, and on what it means for the "
            "people who use it and the people who pay for it.</p>"
            "<h2>What we cover</h2>"
            "<p>Our sections follow the domains: land, air, naval, cyber and space, plus the "
            "industry that supplies them. We read contract awards, budget documents, audit "
            "reports and parliamentary answers, and we talk to the people involved.</p>"
            "<h2>How we work</h2>"
            "<p>Every article carries the names of the people who wrote it. When we get "
            "something wrong we correct it on the article and list the correction publicly. "
            "Our ethics and corrections policies explain the rules we hold ourselves to.</p>"
            "<h2>How we are funded</h2>"
            "<p>By readers and by clearly labelled advertising. We do not accept payment for "
            "coverage, and no advertiser or sponsor sees a story before publication.</p>"
        ),
    },
    {
        "slug": "contact",
        "title": "Contact us",
        "footer_order": 2,
        "seo_description": "How to reach the Defence Blog newsroom, send a tip or report an error.",
        "body": (
            "<p>We read everything that reaches us, though we cannot answer every message.</p>"
            "<h2>News tips and story ideas</h2>"
            '<p>Write to <a href="mailto:tips@example.org">tips@example.org</a>. Tell us '
            "what you know, how you know it and how we can reach you. If you need to protect "
            "your identity, say so in your first message and do not send documents until we "
            "have agreed how.</p>"
            "<h2>Errors in our reporting</h2>"
            "<p>Use the link at the end of the article concerned, so that the report reaches "
            "the editor responsible with the article attached.</p>"
            "<h2>Everything else</h2>"
            '<p>The newsroom: <a href="mailto:newsroom@example.org">newsroom@example.org</a>. '
            'Advertising: <a href="mailto:advertising@example.org">advertising@example.org'
            "</a>. Press releases are welcome at the newsroom address; we do not publish them "
            "as they are.</p>"
        ),
    },
    {
        "slug": "advertise",
        "title": "Advertise with us",
        "footer_order": 3,
        "seo_description": "Advertising on Defence Blog: formats, audience and the rules that "
        "keep it separate from our journalism.",
        "body": (
            "<p>Defence Blog reaches a specialist readership: serving personnel, engineers, "
            "procurement staff, analysts, journalists and students of security policy.</p>"
            "<h2>What we offer</h2>"
            "<ul><li>Display advertising on section and article pages.</li>"
            "<li>Sponsorship of our newsletter, with a clearly marked sponsor line.</li>"
            "<li>Event listings for conferences and trade shows.</li></ul>"
            "<h2>The rules</h2>"
            "<p>Advertising is always labelled as advertising. Advertisers have no say over "
            "what we cover or how, never see stories before publication, and cannot buy "
            "articles, interviews or reviews. We decline advertising that we would not be "
            "comfortable reporting on.</p>"
            '<p>Write to <a href="mailto:advertising@example.org">advertising@example.org'
            "</a> for rates and availability.</p>"
        ),
    },
    {
        "slug": "corrections-policy",
        "title": "Corrections policy",
        "footer_order": 4,
        "seo_description": "How Defence Blog corrects mistakes: openly, on the article, with "
        "the date.",
        "body": (
            "<p>We try hard to be accurate and we still make mistakes. When we do, we fix them "
            "openly.</p>"
            "<h2>How we correct</h2>"
            "<ul><li><strong>Corrections</strong> fix a factual error: a wrong figure, name, "
            "date or claim.</li>"
            "<li><strong>Clarifications</strong> make a passage that was accurate but "
            "misleading say what we meant.</li>"
            "<li><strong>Updates</strong> add significant new information after "
            "publication.</li></ul>"
            "<p>Each one is added to the end of the article with its date and a plain "
            "description of what changed. We do not quietly edit facts out of published "
            "articles. Spelling and grammar slips are fixed without a note.</p>"
            "<h2>Telling us about an error</h2>"
            "<p>Every article ends with a link to report an error. An editor reads every "
            "report, checks it against our sources and decides whether a correction is "
            "needed, usually within two working days.</p>"
            "<h2>Removing articles</h2>"
            "<p>We very rarely withdraw an article, and only when correcting it is not "
            "enough, for example when it could put someone in danger. We say so where the "
            "article used to be.</p>"
        ),
    },
    {
        "slug": "ethics",
        "title": "Ethics policy",
        "footer_order": 5,
        "seo_description": "The standards Defence Blog's journalists work to: independence, "
        "sourcing, conflicts of interest and safety.",
        "body": (
            "<h2>Independence</h2>"
            "<p>We decide what to cover on news value alone. We do not accept payment, gifts "
            "of value or paid travel from the companies, governments or armed forces we "
            "report on. When a host provides access we cannot get otherwise, such as a place "
            "on a ship or a test range, we say so in the article.</p>"
            "<h2>Sources</h2>"
            "<p>We name our sources wherever we can. We grant anonymity only when a source "
            "would face real harm for speaking, and only when an editor knows who the source "
            "is. We explain to readers why a source is not named.</p>"
            "<h2>Conflicts of interest</h2>"
            "<p>Our journalists do not hold shares in defence companies they cover and "
            "declare any past employment in the sector to their editor. Where a conflict "
            "cannot be avoided, someone else takes the story.</p>"
            "<h2>Safety and operational security</h2>"
            "<p>We do not publish information that would put lives at immediate risk, such "
            "as the live positions of troops in combat. That is the only reason we hold back "
            "accurate information that is in the public interest.</p>"
        ),
    },
    {
        "slug": "masthead",
        "title": "Masthead",
        "footer_order": 7,
        "seo_description": "Who edits Defence Blog and who answers for what it publishes.",
        "body": (
            "<p>These are the people responsible for what Defence Blog publishes. All names "
            "on this demo site are invented.</p>"
            "<h2>Editorial</h2>"
            "<ul><li><strong>Executive Editor:</strong> responsible for everything we publish "
            "and the final word on corrections and withdrawals.</li>"
            "<li><strong>Managing Editor:</strong> runs the daily desk, the story budget and "
            "the rota.</li>"
            "<li><strong>Standards Editor:</strong> reads every error report, keeps the "
            "corrections log and answers readers' complaints about our conduct.</li>"
            "<li><strong>Section editors:</strong> land, air, naval, cyber and space, and "
            "industry, each commissioning and editing their section.</li></ul>"
            "<h2>Publisher</h2>"
            "<p>Defence Blog is published by Defence Blog Media (example). The publisher has "
            "no say over individual stories. How we are paid for is on our support page.</p>"
            "<h2>Reaching the editors</h2>"
            '<p>Write to <a href="mailto:editors@example.org">editors@example.org</a>. '
            "A complaint about a specific article is quickest through the error link at "
            "its end.</p>"
        ),
    },
    {
        "slug": "publishing-principles",
        "title": "Publishing principles",
        "footer_order": 8,
        "seo_description": "What Defence Blog publishes, how a story gets there and how we "
        "label what is not news reporting.",
        "body": (
            "<p>We publish reporting that helps readers understand how armed forces are "
            "equipped, paid for and used. These principles apply to every article, live "
            "blog and newsletter.</p>"
            "<h2>Two people on every story</h2>"
            "<p>Nothing is published by the person who wrote it alone. An editor reads "
            "every article before it goes out and can hold it back. Live blog updates are "
            "posted by editors or by reporters an editor has named for that live blog.</p>"
            "<h2>Labels</h2>"
            "<ul><li><strong>News</strong> reports what happened and what is known.</li>"
            "<li><strong>Analysis</strong> explains what it means, drawing on evidence "
            "we show.</li>"
            "<li><strong>Opinion</strong> argues a case and carries its author's name; it is "
            "never dressed as news.</li>"
            "<li><strong>Advertising</strong> and sponsorship are always labelled and never "
            "written by our journalists.</li></ul>"
            "<h2>Dates and times</h2>"
            "<p>Every article shows when it was published and, when it changed afterwards, "
            "when it was last updated. Significant changes are listed as corrections or "
            "updates on the article itself.</p>"
        ),
    },
    {
        "slug": "verification",
        "title": "Verification and fact-checking",
        "footer_order": 9,
        "seo_description": "How Defence Blog checks claims, pictures and documents before it "
        "publishes them.",
        "body": (
            "<p>A claim we cannot check is reported as a claim, attributed to whoever made "
            "it, or left out.</p>"
            "<h2>Claims and figures</h2>"
            "<p>Figures for contracts, budgets and fleets come from the primary document "
            "where one exists: the contract notice, the budget line, the audit report. We "
            "link to it. Where we rely on a company's or a ministry's own statement, we say "
            "so.</p>"
            "<h2>Pictures and video</h2>"
            "<p>Before we use a picture or clip from social media we look for its first "
            "appearance, check where and when it was taken against other sources such as "
            "landmarks, weather and shadows, and ask the person who made it. If we cannot "
            "confirm it, we say what we could and could not establish, or we do not use "
            "it.</p>"
            "<h2>Documents and leaks</h2>"
            "<p>Leaked material is checked with at least one person in a position to know "
            "whether it is genuine, and we remove details that could identify a source "
            "or endanger anyone.</p>"
            "<h2>Breaking news</h2>"
            "<p>In a live blog we separate what we have confirmed from what is being "
            "reported elsewhere, and we correct an update openly when it proves wrong.</p>"
        ),
    },
    {
        "slug": "feedback-policy",
        "title": "Your feedback",
        "footer_order": 10,
        "seo_description": "How readers can tell Defence Blog about a mistake or a concern, "
        "and what happens next.",
        "body": (
            "<p>Readers catch things we miss. Here is how to reach us and what we do with "
            "what you send.</p>"
            "<h2>A mistake in an article</h2>"
            "<p>Follow the link at the end of the article to report an error. The report "
            "reaches the editor responsible with the article attached. If you leave an "
            "e-mail address, we write back with what we decided, including when we decide "
            "no correction is needed and why.</p>"
            "<h2>A concern about our conduct</h2>"
            "<p>Write to the Standards Editor at "
            '<a href="mailto:standards@example.org">standards@example.org</a>. We '
            "acknowledge complaints within two working days and aim to answer them in "
            "full within ten.</p>"
            "<h2>Ideas and tips</h2>"
            "<p>Story ideas are welcome through our contact page; for anything sensitive, "
            "use the secure tip line.</p>"
        ),
    },
    {
        "slug": "privacy",
        "title": "Privacy policy",
        "footer_order": 11,
        "seo_description": "What Defence Blog records about readers, why, and for how long.",
        "body": (
            "<p>We collect as little about readers as we can.</p>"
            "<h2>Reading the site</h2>"
            "<p>We set no advertising or tracking cookies for readers. Our servers keep "
            "standard access logs (address, time, page, browser) for up to 30 days to keep "
            "the site secure and working, and then delete them.</p>"
            "<h2>Counting readers</h2>"
            "<p>To know which stories are read, each page sends our own server a short "
            "note: the page, the site you came from (its name only), campaign tags in the "
            "link, and whether you stayed 15 seconds and read half or most of the story. "
            "It sets no cookie, stores nothing in your browser and goes to no one else. We "
            "never store your address or browser details with it: a reader is counted once "
            "a day through a scrambled code made with a secret that changes every day and "
            "is then deleted, so no one, us included, can link one day's reading to "
            "another's. If your browser sends Global Privacy Control or Do Not Track, the "
            "page view is counted and you are not counted as a reader. The notes are "
            "deleted after 30 days; only totals per story and hour are kept.</p>"
            "<h2>The newsletter</h2>"
            "<p>We keep your e-mail address with the words you agreed to and when. The "
            "links in an edition are the same for every subscriber: we count how often each "
            "story is clicked, in total, and never who clicked. Our e-mails contain no "
            "tracking pixels.</p>"
            "<h2>Reporting an error</h2>"
            "<p>If you report an error, we store what you write and, only if you give them, "
            "your name and e-mail address so that we can reply. We keep a scrambled form of "
            "your network address to stop spam, never the address itself.</p>"
            "<h2>Supporting us</h2>"
            "<p>When you follow a link on our support page we count the click for that day, "
            "without recording who clicked. Payments are handled entirely by the payment "
            "provider you choose; we receive your name, e-mail address and the amount, and "
            "never your card details.</p>"
            "<h2>Your rights</h2>"
            "<p>You can ask us what we hold about you, and ask us to correct or delete it, by "
            'writing to <a href="mailto:privacy@example.org">privacy@example.org</a>.</p>'
        ),
    },
]


def load_support_pages(stdout=None):
    """Create the support page text, donation options and the ten site pages. Safe to run
    again: existing rows (and editors' changes to them) are left as they are."""
    created = {"options": 0, "pages": 0}
    with transaction.atomic():
        support = SupportPage.load()
        support_filled = not (support.intro or support.body)
        if support_filled:
            for field, value in SUPPORT.items():
                setattr(support, field, value)
            support.save()
        for spec in OPTIONS:
            _, was_created = DonationOption.objects.get_or_create(
                slug=spec["slug"], defaults={k: v for k, v in spec.items() if k != "slug"}
            )
            created["options"] += was_created
        for spec in PAGES:
            _, was_created = Page.objects.get_or_create(
                slug=spec["slug"], defaults={k: v for k, v in spec.items() if k != "slug"}
            )
            created["pages"] += was_created
    if stdout is not None:
        stdout.write(
            f"Support demo ready (support page {'written' if support_filled else 'kept'}, "
            f"created {created['options']} donation options, {created['pages']} pages)."
        )
    return created
