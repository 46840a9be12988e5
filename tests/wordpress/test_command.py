"""manage.py import_wordpress: its arguments, its progress on stderr, and the files it
refuses before importing anything."""

import io

import pytest
from django.core.management import CommandError

from articles.models import Article
from authors.models import Author
from tests.wordpress.exports import DATA, item, run_import, wxr
from wordpress.report import Progress


def test_a_malformed_section_map_is_refused(tmp_path):
    path = tmp_path / "x.xml"
    path.write_text(wxr())
    with pytest.raises(CommandError, match="not category=Section"):
        run_import(path, "--section-map", "news")


@pytest.mark.django_db
def test_progress_goes_to_stderr_as_plain_lines_when_not_a_terminal(export_file):
    _, err = run_import(export_file(*[item(n, name=f"p{n}") for n in range(1, 13)]))
    assert "Importing posts and pages: 12/12 (100%)" in err
    assert "\r" not in err


def test_progress_redraws_one_line_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

        def write(self, text, ending="\n"):
            super().write(text + ending)

    stream = Terminal()
    progress = Progress(stream)
    progress.start("Importing", 3)
    for _ in range(3):
        progress.step()
    progress.finish()
    assert stream.getvalue().count("\n") == 1
    assert stream.getvalue().endswith("\r\x1b[KImporting: 3/3 (100%)\n")


# ---------------------------------------------------------------------------------------
# Hostile and broken files
# ---------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["billion_laughs.xml", "external_entity.xml", "external_dtd.xml"])
def test_entity_attacks_are_refused_before_anything_is_imported(name):
    with pytest.raises(CommandError, match="Refused: the file declares XML entities"):
        run_import(DATA / name)
    assert Article.objects.count() == 0
    assert Author.objects.count() == 0


@pytest.mark.django_db
def test_malformed_xml_is_refused_with_its_position(tmp_path):
    path = tmp_path / "bad.xml"
    path.write_text(wxr(item(1)).replace("</channel>", ""))
    with pytest.raises(CommandError, match="not well-formed XML: .*line"):
        run_import(path)


@pytest.mark.django_db
def test_a_file_that_is_not_an_export_is_refused(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_text("<?xml version='1.0'?><html><body>hello</body></html>")
    with pytest.raises(CommandError, match="not a WordPress export"):
        run_import(path)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run_import(tmp_path / "nope.xml")
