"""Values a compiled list statement takes each time it runs (channels.api.newest).

Building and compiling an app API list's keys statement through the ORM costs about as
much as running it. Most of what decides its text repeats from request to request (the item
types, the site, the column, the filters, the page size); the cursor and the date range do
not. Those enter the querysets as slots: `Slot(name, field)` compiles to a placeholder
whose parameter is a `SlotParam`, and `filled()` puts the request's values in their places,
prepared for the database as the field prepares a filter's value. One compiled statement
then serves every cursor page of a list.
"""

from django.db.models import Expression


class SlotParam:
    """A compiled statement's parameter that the request gives (see filled())."""

    __slots__ = ("field", "name")

    def __init__(self, name, field):
        self.name, self.field = name, field

    def __repr__(self):
        return f"SlotParam({self.name!r})"


class Slot(Expression):
    """A filter's value given when the statement runs: `field` (a model field instance, e.g.
    DateTimeField()) says how the value is prepared for the database."""

    def __init__(self, name, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [SlotParam(self.name, self.output_field)]


def filled(params, values, connection):
    """The parameters with each slot's value from `values` (a dict by slot name) in place."""
    return [
        param.field.get_db_prep_value(values[param.name], connection)
        if isinstance(param, SlotParam)
        else param
        for param in params
    ]
