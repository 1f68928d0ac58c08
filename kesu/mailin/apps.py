from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailinConfig(AppConfig):
    name = "kesu.mailin"
    label = "mailin"
    verbose_name = _("Mail intake")

    def ready(self) -> None:
        # The default notification rule for a mailbox that cannot be read (told to the administrators).
        from . import notifications  # noqa: F401
