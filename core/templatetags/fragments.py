"""`{% fragment "name" %}…{% endfragment %}`: the enclosed part of the page, kept across
requests by the view's `fragments` (core.fragments.Fragments). Without one in the context
(staff, previews, drafts) the contents are rendered as usual."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, name, nodelist):
        self.name = name
        self.nodelist = nodelist

    def render(self, context):
        fragments = context.get("fragments")
        if fragments is None:
            return self.nodelist.render(context)
        name = self.name.resolve(context)
        html = fragments.get(name)
        if html is None:
            html = fragments.render(name, lambda: self.nodelist.render(context))
        return mark_safe(html)  # noqa: S308 (rendered by this template, escaped as usual)


@register.tag
def fragment(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one argument: the fragment's name")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(parser.compile_filter(bits[1]), nodelist)
