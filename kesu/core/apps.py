from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kesu.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django import forms
        from django.db.backends.signals import connection_created

        from . import audit
        from .forms_base import listed_choices
        from .pgtypes import use_compiled_timestamps

        audit.connect_signals()
        # Every select of records in every form and filter: options by a plain query, not a server-side cursor.
        forms.models.ModelChoiceIterator.__iter__ = listed_choices
        # PostgreSQL's time stamps parsed by psycopg's compiled loader rather than Django's Python one.
        connection_created.connect(use_compiled_timestamps, dispatch_uid="kesu.core.pgtypes")
