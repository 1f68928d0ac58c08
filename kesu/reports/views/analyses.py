"""Placeholder until the module is written."""

from django.http import HttpResponse
from django.urls import path


def _todo(request):
    return HttpResponse("")


urlpatterns = []
urlpatterns += [path("analyses/", _todo, name="analyses"), path("summary/", _todo, name="summary"),
                path("alerts/", _todo, name="alerts")]
