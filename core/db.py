"""PostgreSQL specifics shared by the apps.

Settings for one transaction are made with ``SET LOCAL``: they end with the transaction,
so behind PgBouncer in transaction mode (DATABASE_POOLER=pgbouncer) they never stay on a
server connection that other clients then use. A plain ``SET`` would.
"""

from contextlib import contextmanager

from django.contrib.postgres.fields import ArrayField
from django.db import connections, transaction
from django.db.models import BigIntegerField, Lookup, Value


@contextmanager
def fast_commit(using="default"):
    """A transaction whose commit does not wait for the disk (synchronous_commit off, for
    this transaction only). A crash of the database server itself can lose the last
    fraction of a second of such commits, never a process's: use it only for writes that
    are safe to do again (a delivery mark, an idempotent import). Inside an outer
    transaction it applies to that whole transaction."""
    with transaction.atomic(using=using):
        connection = connections[using]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def table(model, using="default"):
    """A model's table name, quoted, for raw SQL (never the name spelt out by hand)."""
    return connections[using].ops.quote_name(model._meta.db_table)


class AnyOf(Lookup):
    """`field = ANY(%s)`, the array of values one parameter (`AnyOf(F("pk"), ids)`): the
    SQL is the same however many values it is given, so core.statements compiles it once,
    where `pk__in` writes one placeholder per value."""

    lookup_name = "any_of"
    prepare_rhs = False

    def __init__(self, lhs, values):
        super().__init__(lhs, Value(list(values), output_field=ArrayField(BigIntegerField())))

    def as_sql(self, compiler, connection):
        field, field_params = self.process_lhs(compiler, connection)
        values, values_params = compiler.compile(self.rhs)
        return f"{field} = ANY({values})", (*field_params, *values_params)
