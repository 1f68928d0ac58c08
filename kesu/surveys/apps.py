from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "kesu.surveys"
    label = "surveys"
    verbose_name = _("Customer satisfaction")

    def ready(self) -> None:
        from . import workflow  # noqa: F401 - registers the campaign, improvement and yearly report tables
