"""A migration operation of Kesu's own: the new models of one squashed migration created at once.

Django renders the historical models again after each operation of a migration, and after a ``CreateModel`` it
renders every model related to the new one, through any chain of relations. Nearly every Kesu model points at the
company and the user, so that is every model made so far: a first ``migrate`` of the squashed migrations rendered
16,500 models for ~170 tables, most of its 36 seconds on SQLite. ``CreateModels`` records all its models in the
state first and renders them and their related models once (3,000 renders, 10 seconds), then creates the tables
one by one as ``CreateModel`` does; a foreign key to a table created later in the batch is fine, as PostgreSQL gets
its constraints at the end of the migration and SQLite takes a reference to a table not there yet. The state it
leaves is the one its ``CreateModel`` operations leave (``test_migrations.py`` compares them with the old
migrations').
"""

from __future__ import annotations

from django.db.migrations.operations.base import Operation
from django.db.migrations.operations.models import CreateModel


class CreateModels(Operation):
    """``CreateModel`` operations of one app, in order, with the historical models rendered once for them all."""

    reversible = True

    def __init__(self, operations: list[CreateModel]):
        if not all(type(operation) is CreateModel for operation in operations):
            raise TypeError("CreateModels takes CreateModel operations only")
        self.operations = list(operations)
        super().__init__()

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.operations], {})

    def state_forwards(self, app_label, state):
        # Without the rendered models at hand, each CreateModel only records its model's state (ProjectState
        # re-renders only when it holds rendered models); then the new models and every model related to them
        # are rendered together.
        rendered = state.__dict__.pop("apps", None)
        try:
            for operation in self.operations:
                operation.state_forwards(app_label, state)
        finally:
            if rendered is not None:
                state.__dict__["apps"] = rendered
        state.reload_models([(app_label, operation.name_lower) for operation in self.operations], delay=False)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for operation in self.operations:
            operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for operation in reversed(self.operations):
            operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def references_model(self, name, app_label):
        return any(operation.references_model(name, app_label) for operation in self.operations)

    def describe(self):
        return f"Create models {', '.join(operation.name for operation in self.operations)}"

    @property
    def migration_name_fragment(self):
        return "models"
