"""The search page's form: the reader's words and the filters that narrow the results."""

import re
from html import escape

from django import forms

from articles.models import Section
from authors.models import Author
from core.fragments import remember
from core.fulltext import clean_query


class QueryField(forms.CharField):
    """The reader's words, cleaned by clean_query before any validation (so a NUL byte or
    a 10,000-character paste is tidied, not refused)."""

    def to_python(self, value):
        return clean_query(super().to_python(value))


class SlugChoiceField(forms.ModelChoiceField):
    """A choice by slug. Anything that is not a slug is refused before it reaches the
    database."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, str) or not _SLUG.fullmatch(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,200}")


class SearchForm(forms.Form):
    q = QueryField(label="Search for", required=False)
    section = SlugChoiceField(
        queryset=Section.objects.only("slug", "name"),
        to_field_name="slug",
        required=False,
        empty_label="All sections",
    )
    author = SlugChoiceField(
        queryset=Author.objects.only("slug", "name"),
        to_field_name="slug",
        required=False,
        empty_label="Any author",
    )
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    # Set by the "Search instead for …" link: search for the words as typed, uncorrected.
    as_typed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"

    FILTERS = ("section", "author", "start", "end")

    # The choices of the section and author filters, (slug, name) in the models' order,
    # read once and kept in process memory until a section changes ("nav") or an author
    # does ("authors", authors.apps): a search page then reads neither table.
    CHOICE_TAGS = {"section": ("nav",), "author": ("authors",)}

    def options_html(self, name):
        """The <option>s of the `name` filter's choices (not its empty one), the reader's
        choice selected: written here, as Django's widget templates cost a few
        milliseconds per hundred options."""
        choices = remember(
            f"search-choices:{name}",
            lambda: list(self.fields[name].queryset.values_list("slug", "name")),
            tags=self.CHOICE_TAGS[name],
        )
        chosen = self[name].value()
        return "".join(
            f'<option value="{escape(slug)}"{" selected" if slug == chosen else ""}>'
            f"{escape(label)}</option>"
            for slug, label in choices
        )

    def filters_used(self):
        """The names of the filters the reader has filled in (valid or not)."""
        return [name for name in self.FILTERS if self.data.get(name)]

    def filters_refused(self):
        """True when a filter was refused (the page shows why, so the filters open)."""
        return self.is_bound and any(name in self.errors for name in self.FILTERS)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            data["start"], data["end"] = end, start  # a reversed range means the same days
        return data

    def filters(self):
        """The valid filters, {name: value}: the section's and author's ids, the first and
        last day; invalid ones are reported on the form and left out."""
        data = getattr(self, "cleaned_data", {})
        found = {name: data.get(name) for name in self.FILTERS if data.get(name)}
        for name in ("section", "author"):
            if name in found:
                found[name] = found[name].pk
        return found


def apply_filters(articles, filters):
    """`articles` narrowed by SearchForm.filters()' `filters`."""
    lookups = {
        "section": "section_id",
        "author": "bylines__author_id",
        "start": "published_at__date__gte",
        "end": "published_at__date__lte",
    }
    return articles.filter(**{lookups[name]: value for name, value in filters.items()})
