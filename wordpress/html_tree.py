"""A small HTML tree, enough to rewrite pictures and figures before sanitising, and to
compare two pieces of markup whatever the order of their attributes."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

VOID_TAGS = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
_DROP = frozenset({"script", "style", "template", "noscript", "head", "title", "textarea"})
_CLOSES_P = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "details",
        "div",
        "dl",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "ul",
    }
)
BLOCK_TAGS = _CLOSES_P | {"li", "figcaption"}


class Node:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag: str, attrs: dict, children: list):
        self.tag = tag
        self.attrs = attrs
        self.children = children

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, [])
        self.stack = [self.root]
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if self.skipping:
            if tag in _DROP:
                self.skipping += 1
            return
        if tag in _DROP:
            self.skipping = 1
            return
        if tag in _CLOSES_P:
            for i in range(len(self.stack) - 1, 0, -1):
                if self.stack[i].tag == "p":
                    del self.stack[i:]
                    break
                if self.stack[i].tag in ("td", "th", "li", "blockquote", "figure", "div"):
                    break
        node = Node(tag, {k: (v or "") for k, v in attrs}, [])
        self.stack[-1].children.append(node)
        if tag not in VOID_TAGS:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        if self.skipping or tag in _DROP:
            return
        self.stack[-1].children.append(Node(tag, {k: (v or "") for k, v in attrs}, []))

    def handle_endtag(self, tag):
        if self.skipping:
            if tag in _DROP:
                self.skipping -= 1
            return
        if tag in VOID_TAGS:
            return
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if not self.skipping:
            self.stack[-1].children.append(data)


def parse_html(text: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def same_html(a: str, b: str) -> bool:
    """Whether two pieces of HTML are the same markup, whatever the order of each tag's
    attributes (the sanitiser adds some in an order that varies from process to process)."""
    return a == b or serialize(parse_html(a), sort=True) == serialize(parse_html(b), sort=True)


def serialize(node: Node, sort: bool = False) -> str:
    parts: list[str] = []

    def walk(n):
        for child in n.children:
            if isinstance(child, str):
                parts.append(html.escape(child, quote=False))
                continue
            items = sorted(child.attrs.items()) if sort else child.attrs.items()
            attrs = "".join(
                f' {k}="{html.escape(v, quote=True)}"'
                for k, v in items
                if re.fullmatch(r"[A-Za-z_:][-A-Za-z0-9_:.]*", k)
            )
            parts.append(f"<{child.tag}{attrs}>")
            if child.tag not in VOID_TAGS:
                walk(child)
                parts.append(f"</{child.tag}>")

    walk(node)
    return "".join(parts)
