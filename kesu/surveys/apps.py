from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "kesu.surveys"
    label = "surveys"
    verbose_name = _("Customer satisfaction")

    def ready(self) -> None:
        from . import (
            complaint_survey,  # noqa: F401 - its receivers send the post-closure survey
            workflow,  # noqa: F401 - registers the campaign, improvement and yearly report tables
        )
