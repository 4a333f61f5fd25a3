"""Querysets compiled to SQL once per process.

Django compiles a queryset to SQL each time it is evaluated. For an article page's row (two
joins, two JSON subqueries, an EXISTS and the visibility rule) compiling took about 0.8 ms,
several times what PostgreSQL took to run it, and the related cards' query another 0.3 ms:
a fifth of an uncached article page. `Compiled` keeps the SQL of a queryset whose shape is
fixed and of which only one looked-up value changes, and runs it with that value. Turning rows
into objects (select_related, annotations, each field's converters) is left to Django's
compiler, as its ModelIterable does.

Lookups are on an integer column (a primary key, say): a value outside the column's range
matches nothing, as with the ORM, rather than reaching the database as an error.

The SQL is checked when first compiled: the queryset is compiled with two different probe
values and must give the same SQL with only those values changed among its parameters, so a
lookup whose value would be written into the SQL or transformed (`pk__startswith`) is refused
rather than run with the wrong value. As with any queryset built once, a value computed in
Python when it was built (`timezone.now()`) would stay fixed: the visibility rule's `Now()` is
SQL, evaluated by the database on every run.
"""

from typing import NamedTuple

from django.db import connections
from django.db.models import IntegerField
from django.db.models.query import get_related_populators

# A 64-bit column's top, for backends that give no range.
TOP = 2**63 - 1


class Plan(NamedTuple):
    """A compiled queryset: its SQL and parameters, which parameters take the looked-up
    values (parameter position, value position), and how its rows become objects."""

    sql: str
    params: tuple
    slots: tuple
    compiler: object
    init_list: list
    related_populators: list


class Compiled:
    """`queryset` filtered on `lookup` (an integer field, or `field__in` for several values),
    compiled once per database and number of values."""

    def __init__(self, queryset, lookup):
        self.queryset = queryset
        self.lookup = lookup
        self.many = lookup.endswith("__in")
        name = lookup.split("__")[0]
        field = queryset.model._meta.pk if name == "pk" else queryset.model._meta.get_field(name)
        if not isinstance(field, IntegerField):
            raise TypeError(f"{lookup} is not on an integer column")
        self.field_type = field.get_internal_type()
        self.plans = {}

    def __call__(self, value):
        """The objects whose `lookup` matches `value` (integers, a sequence when `lookup`
        ends in `__in`), in the queryset's order."""
        db = self.queryset.db
        low, high = connections[db].ops.integer_field_range(self.field_type)
        # Django's `in` drops duplicates the same way before compiling.
        values = [
            number
            for number in (dict.fromkeys(value) if self.many else [value])
            if (low is None or number >= low) and (high is None or number <= high)
        ]
        if not values:
            return []
        plan = self.plans.get((db, len(values))) or self.compile(db, len(values))
        params = list(plan.params)
        for slot, index in plan.slots:
            params[slot] = values[index]
        # A compiler of this thread's connection converts the rows; the expressions it
        # converts were resolved when the plan was made.
        compiler = plan.compiler.query.get_compiler(using=db)
        compiler.select, compiler.col_count = plan.compiler.select, plan.compiler.col_count
        with compiler.connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            rows = cursor.fetchall()
        klass_info = plan.compiler.klass_info
        model = klass_info["model"]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        annotations = plan.compiler.annotation_col_map.items()
        objects = []
        for row in compiler.results_iter([rows]):
            obj = model.from_db(db, plan.init_list, row[start:end])
            for populator in plan.related_populators:
                populator.populate(row, obj)
            for name, position in annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects

    def compile(self, db, count):
        # Two runs of probe values, far apart and far from the small constants a queryset
        # holds, within the column's range (an out-of-range value compiles to no SQL at all).
        top = connections[db].ops.integer_field_range(self.field_type)[1] or TOP
        compiled = []
        for base in (top // 3 * 2 + 7_919, top // 3 + 7_919):
            probes = [base - n for n in range(count)]
            queryset = self.queryset.filter(**{self.lookup: probes if self.many else probes[0]})
            compiler = queryset.query.get_compiler(using=db)
            sql, params = compiler.as_sql()
            compiled.append((compiler, sql, tuple(params), probes))
        (compiler, sql, params, probes), (_, other_sql, other_params, other_probes) = compiled
        slots = tuple(
            (slot, probes.index(param))
            for slot, param in enumerate(params)
            if isinstance(param, int) and param in probes
        )
        swapped = list(params)
        for slot, index in slots:
            swapped[slot] = other_probes[index]
        if sql != other_sql or tuple(swapped) != other_params or len(slots) < count:
            raise ValueError(
                f"{self.queryset.query} does not compile to the same SQL with only "
                f"{self.lookup} changing"
            )
        klass_info = compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        plan = Plan(
            sql,
            params,
            slots,
            compiler,
            [column[0].target.attname for column in compiler.select[start:end]],
            get_related_populators(klass_info, compiler.select, db),
        )
        self.plans[(db, count)] = plan
        return plan
