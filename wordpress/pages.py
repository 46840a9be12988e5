"""WordPress pages become the site's own pages (support.Page), at /<slug>/."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from support.models import Page

from . import fingerprints
from .convert import ConvertedPost
from .fingerprints import PAGE_FIELDS
from .report import Outcome
from .writes import same_value
from .wxr import WXRItem


class PageImporter:
    """Pages for one import, found again by their import key (the site and the WordPress id)."""

    def __init__(self, importer):
        self.importer = importer  # its source, report, edit guard and converted posts
        self.page_slugs: dict[str, str] = {}  # WordPress id -> the address it was given

    @property
    def source(self) -> str:
        return self.importer.source

    def import_page(self, item: WXRItem) -> Outcome:
        """One page, inside the importer's transaction for the item."""
        label = f"page {item.post_id}"
        post = self.importer.converted(item, label)
        if post.kept_draft:
            self.importer.report.kept_as_draft.append(f"{label} “{post.title}” ({post.kept_draft})")
        page = Page.objects.filter(import_source=self.source, import_id=item.post_id).first()
        fields = {
            "title": post.title,
            "body": post.body,
            "seo_description": post.excerpt,
            "is_published": post.is_published,
        }
        if page is None:
            slug = self._page_slug(post)
            page = Page.objects.create(
                slug=slug, import_source=self.source, import_id=item.post_id[:64], **fields
            )
            fingerprints.store(page, fingerprints.values(page, PAGE_FIELDS))
            return Outcome("created", missing=bool(post.missing_images))
        # An imported page keeps its address, whatever WordPress or an editor did to it since.
        self.page_slugs[item.post_id] = page.slug
        current = fingerprints.values(page, PAGE_FIELDS)
        self.importer.edits.check(
            page,
            current,
            lambda: fingerprints.values(Page(**fields), PAGE_FIELDS),
            PAGE_FIELDS,
            f"{label} “{page.title}”",
        )
        changed = False
        for name, value in fields.items():
            if not same_value(name, getattr(page, name), value):
                setattr(page, name, value)
                changed = True
        if changed:
            page.save()
        fingerprints.store(page, fingerprints.values(page, PAGE_FIELDS))
        self.importer.edits.written(page)
        return Outcome("updated" if changed else "unchanged", missing=bool(post.missing_images))

    def _page_slug(self, post: ConvertedPost) -> str:
        """A new page's address, /<slug>/: WordPress's own unless another page of this
        export, a page the import did not create, or another part of the site has it; then
        with the WordPress id added (and a number, should that be taken too)."""
        if post.post_id in self.page_slugs:
            return self.page_slugs[post.post_id]
        base = post.slug
        with_id = f"{base[: 79 - len(post.post_id)]}-{post.post_id}"
        candidates = [base, with_id] + [f"{with_id[:76]}-{n}" for n in range(2, 1000)]
        why = ""
        for slug in candidates:
            if slug in self.page_slugs.values():
                continue
            holder = Page.objects.filter(slug=slug).values_list("import_source", flat=True)
            holder_source = holder.first()  # None: no page has this slug
            if not self._page_address_free(slug):
                why = why or "is another part of the site"
            elif holder_source is None:
                break
            elif holder_source != self.source:
                why = why or "belongs to a page this import did not create, left as it was"
        if why:
            self.importer.report.notes.append(
                f"page {post.post_id} “{post.title}”: /{base}/ {why}; imported at /{slug}/."
            )
        self.page_slugs[post.post_id] = slug
        return slug

    @staticmethod
    def _page_address_free(slug: str) -> bool:
        """The page model's own check that /<slug>/ is not another part of the site."""
        try:
            Page(slug=slug, title=slug).clean()
        except ValidationError:
            return False
        return True
