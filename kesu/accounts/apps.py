from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kesu.accounts"
    label = "accounts"
    verbose_name = _("Organization and people")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from . import lookups  # noqa: F401  (registers the type-ahead lookups)
        from .middleware import mark_renewed
        from .roles import sync_roles_after_migrate

        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="kesu_sync_roles")
        user_logged_in.connect(mark_renewed, dispatch_uid="kesu_session_renewed_at_sign_in")
