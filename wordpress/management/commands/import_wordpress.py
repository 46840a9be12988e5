"""manage.py import_wordpress: bring a WordPress site's archive over, addresses included.

The work is done by `wordpress.importer.WordPressImporter`; this reads the arguments and
prints the report.
"""

from argparse import RawDescriptionHelpFormatter

from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter

from wordpress.importer import ImportRefused, WordPressImporter
from wordpress.report import Progress

HELP = """Import a WordPress export (WXR 1.1 or 1.2: WordPress → Tools → Export → All content).

Authors become author profiles, posts become articles (with bylines, tags, section, lead
image and a permanent redirect from the old permalink), attachments become images in the
media library, and pages become the site's own pages. Running it again updates what
changed and duplicates nothing; what was edited here since the last import is kept (and
listed) unless --overwrite-edited is given. Nothing is ever downloaded: pictures come from
--media-dir.
Only what the import created is ever changed: a post or page whose address an article or
page written on this site already has is imported at a free address, and the report says so.

Sections: WordPress categories become sections only through --section-map, which maps
category slugs ("nicenames") to section names, e.g.
    --section-map "news=News,air-force=Air,navy=Naval"
A category inside a mapped one (say "helicopters" under "air-force") takes its nearest
mapped ancestor's section and is kept as a tag as well. A post with several mapped
categories takes the first in the export's order. Unmapped categories become tags
("Uncategorized" is dropped). Posts with no mapped category get --default-section, or none.

Statuses: publish → published; future → published and scheduled; draft → draft;
pending → in review; private and password-protected → draft (never made public, and listed
in the summary); trash and auto-draft are skipped.

See docs/importing-wordpress.md.
"""


class _HelpFormatter(DjangoHelpFormatter, RawDescriptionHelpFormatter):
    """Django's option order, with the description's line breaks kept."""


def parse_section_map(value: str) -> dict[str, str]:
    """'news=News, air-force=Air' → {'news': 'News', 'air-force': 'Air'}."""
    mapping = {}
    for pair in (value or "").split(","):
        if not pair.strip():
            continue
        nicename, sep, section = pair.partition("=")
        if not sep or not nicename.strip() or not section.strip():
            raise CommandError(
                f"--section-map: “{pair.strip()}” is not category=Section "
                '(e.g. --section-map "news=News,air-force=Air").'
            )
        mapping[nicename.strip()] = section.strip()
    return mapping


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs["formatter_class"] = _HelpFormatter
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("export", help="The WXR file WordPress exported.")
        parser.add_argument(
            "--media-dir",
            help="A copy of the site's wp-content/uploads folder. An attachment at "
            ".../wp-content/uploads/2013/09/x.jpg (or .../x.files.wordpress.com/2013/09/x.jpg)"
            " is read from <media-dir>/2013/09/x.jpg. Without it, or when a file is missing "
            "or unusable, articles import without that picture and the summary lists it.",
        )
        parser.add_argument(
            "--section-map",
            default="",
            help='Category slugs to section names: "news=News,air-force=Air". Sections are '
            "created when missing. Child categories take their nearest mapped ancestor's "
            "section; unmapped categories become tags.",
        )
        parser.add_argument(
            "--default-section",
            default="",
            help="The section for posts with no mapped category (default: none).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read everything and report what would happen, writing nothing.",
        )
        parser.add_argument(
            "--overwrite-edited",
            action="store_true",
            help="Let WordPress win over edits made here since the last import: articles, "
            "pages, pictures and authors edited on this site are updated too (a revision of "
            "each edited article and page is saved first, so History can bring it back). "
            "Without it they are kept as they are, and the summary lists them.",
        )

    def handle(self, *args, **options):
        importer = WordPressImporter(
            options["export"],
            media_dir=options["media_dir"],
            section_map=parse_section_map(options["section_map"]),
            default_section=options["default_section"].strip(),
            dry_run=options["dry_run"],
            overwrite_edited=options["overwrite_edited"],
            progress=Progress(self.stderr, enabled=options["verbosity"] > 0),
        )
        try:
            report = importer.run()
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(report.render(), ending="")
