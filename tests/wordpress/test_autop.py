"""wpautop: WordPress's paragraph rules, ported faithfully."""

from wordpress.autop import wpautop


def test_wpautop_makes_paragraphs_from_blank_lines_and_breaks_from_single_newlines():
    assert wpautop("One\ntwo\n\nThree") == "<p>One<br />\ntwo</p>\n<p>Three</p>\n"


def test_wpautop_leaves_block_tags_and_preformatted_text_alone():
    text = "Intro\n<blockquote>Quoted</blockquote>\n<pre>a\n\nb</pre>\n<ul>\n<li>x</li>\n</ul>"
    assert wpautop(text) == (
        "<p>Intro</p>\n<blockquote><p>Quoted</p></blockquote>\n<pre>a\n\nb</pre>\n"
        "<ul>\n<li>x</li>\n</ul>\n"
    )


def test_wpautop_keeps_newlines_inside_tags_and_nbsp_as_text():
    assert wpautop('<a\nhref="x">link</a>\u00a0end') == '<p><a\nhref="x">link</a>\u00a0end</p>\n'
