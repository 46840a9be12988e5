"""Reader queries compiled once per process, and rows made into instances without
Model.__init__ (issue 27, "cheaper cold pages").

Django takes longer to build and compile a listing's or a feed's query than PostgreSQL
takes to answer it, and as long again to make model instances of the rows. `Statements`
keeps each query's SQL under a key naming everything that shapes it (the page, its
section, tag or author, its position), compiled with placeholders for the values that
change from run to run: the present (`NOW`; "published at or before now") and the
values a run is given (a `?before=` key, the ids a page has already shown, a list of ids
read as one array: core.db.AnyOf).
`light_instance()` makes an instance from a row's values as unpickling does.
"""

import threading
from collections import OrderedDict
from datetime import UTC, date, datetime, timedelta

import psycopg
from django.db import connections, router
from django.db.backends.postgresql.psycopg_any import register_tzloader
from django.db.models.base import ModelState
from django.http import Http404
from django.utils import timezone
from psycopg.postgres import types
from psycopg.pq import Format

TIMESTAMPTZ_OID = types["timestamptz"].oid


class Statements:
    """The SQL of queries, compiled once per process and `key`; the most recently used
    STATEMENTS are kept. Run prepared on the server (`prepared_cursor`) unless not
    `prepared`: queries whose best plan depends on their values (a search's words) keep
    their own Statements(prepared=False) and are planned for their values each time."""

    NOW = datetime(2000, 1, 1, 0, 0, 0, 424242, tzinfo=UTC)
    DAY = date(1000, 1, 1)
    STATEMENTS = 500

    def __init__(self, prepared=True):
        self.prepared = prepared
        self._found = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def placeholder(cls, position, value):
        """What stands for `value` (the run's `position`th) in the compiled SQL: a value of
        its type that no real query reads."""
        if isinstance(value, datetime):
            return cls.NOW + timedelta(microseconds=position + 1)
        if isinstance(value, date):  # a day (a search's date filter)
            return cls.DAY + timedelta(days=position)
        if isinstance(value, int) and not isinstance(value, bool):
            return -424_242_000 - position
        if isinstance(value, list):  # ids, as one array (core.db.AnyOf)
            return (-424_242_000 - position,)
        if isinstance(value, str):  # a slug, a search's words
            return f"placeholder-424242-{position}"
        raise TypeError(f"No placeholder for a {type(value).__name__}")

    def run(self, key, query, *values, now=None, timed=True):
        """The rows, as tuples, of `query(now, *values)` (a values_list queryset; `now`
        the present unless given; `query(*values)` when not `timed`), compiled once for
        `key` with placeholders that each run replaces with its own time and `values`."""
        with self._lock:
            found = self._found.get(key)
            if found is not None:
                self._found.move_to_end(key)
        if found is None:
            found = self._compile(key, query, values, timed)
            with self._lock:
                self._found[key] = found
                while len(self._found) > self.STATEMENTS:
                    self._found.popitem(last=False)
        sql, params, replaced, model = found
        given = (timezone.now() if now is None else now, *values) if timed else values
        params = list(params)
        for at, which in replaced:
            params[at] = given[which]
        connection = connections[router.db_for_read(model)]
        with prepared_cursor(connection) if self.prepared else connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _compile(self, key, query, values, timed=True):
        """(SQL, parameters, [(where a placeholder is in the parameters, which value it
        stands for)], model)."""
        placeholders = tuple(self.placeholder(i, v) for i, v in enumerate(values))
        if timed:
            placeholders = (self.NOW, *placeholders)
        queryset = query(*placeholders)
        sql, params = queryset.query.sql_with_params()
        which = {placeholder: i for i, placeholder in enumerate(placeholders)}
        replaced = [
            (at, which[found])
            for at, found in enumerate(map(_placeholder_key, params))
            if found in which
        ]
        missing = set(placeholders) - {placeholders[i] for _at, i in replaced}
        if missing:  # the query must read what it is given
            raise RuntimeError(f"The query {key} does not read {sorted(missing, key=str)}")
        return sql, tuple(params), tuple(replaced), queryset.model


def prepared_cursor(connection):
    """A cursor of `connection` whose statements are bound and prepared on the server
    (defenceblog.backends.prepared_statements): each statement is parsed and planned once
    per connection, then only run. Django's wrapper around it, so its queries are counted
    as any other. Django's own cursor, bound on the client, through a pooler in transaction
    mode (psycopg's prepare_threshold None) and while queries are logged (DEBUG, a test's
    query count): the log then shows each query with its values, as for every other."""
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None or connection.queries_logged:
        return connection.cursor()
    cursor = psycopg.Cursor(raw)
    # As Django's create_cursor(): the connection's own time zone for timestamps read.
    loader = raw.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
    if connection.timezone != loader.timezone:
        register_tzloader(connection.timezone, cursor)
    return connection._prepare_cursor(cursor)


def _placeholder_key(param):
    """What a compiled query's parameter is compared with the placeholders as (a list, the
    array of one AnyOf, as a tuple), or None for a parameter no placeholder can be."""
    if isinstance(param, list) and all(isinstance(value, int) for value in param):
        return tuple(param)
    if isinstance(param, date | int | str) and not isinstance(param, bool):
        return param
    return None


statements = Statements()


def light_instance(model, db, values):
    """An instance of `model` with the field values `values` (by attribute name), made as
    unpickling makes one: without Model.__init__ and its signals (the thirty-odd articles
    of a listing or a feed). Its methods and properties read only what is given."""
    instance = model.__new__(model)
    instance.__dict__.update(values)
    instance._state = ModelState()
    instance._state.adding, instance._state.db = False, db
    return instance


def light_get(model, **match):
    """The `model` whose fields equal `match` (a unique key: `slug=`), with every concrete
    field; None when there is none. One statement per model and key, prepared
    (light_filter): a listing's section, tag or author read without the ORM building its
    query on every request."""
    found = light_filter(model, **match)
    return found[0] if found else None


def light_filter(model, **match):
    """The `model`s whose fields equal `match`, in the model's own ordering, each with
    every concrete field (an author's profile links): one compiled, prepared statement
    per model and key, its rows made into instances as Django's own queries make them
    (the fields' database converters, then `Model.from_db`)."""
    fields = model._meta.concrete_fields
    names = tuple(sorted(match))

    def query(*values):
        chosen = model._default_manager.filter(**dict(zip(names, values, strict=True)))
        return chosen.values_list(*(field.attname for field in fields))

    key = (model._meta.label, "filter", names)
    rows = statements.run(key, query, *(match[name] for name in names), timed=False)
    db = router.db_for_read(model)
    connection = connections[db]
    converters = [(n, f.get_db_converters(connection)) for n, f in enumerate(fields)]
    converters = [(n, found) for n, found in converters if found]
    attnames = [field.attname for field in fields]
    found = []
    for row in rows:
        values = list(row)
        for n, convert in converters:
            for converter in convert:
                values[n] = converter(values[n], None, connection)
        found.append(model.from_db(db, attnames, values))
    return found


def light_get_or_404(model, **match):
    """light_get(), else a 404."""
    found = light_get(model, **match)
    if found is None:
        raise Http404(f"No {model._meta.verbose_name} found")
    return found
