"""Placeholder until the module is written."""

from django.http import HttpResponse
from django.urls import path


def _todo(request):
    return HttpResponse("")


urlpatterns = []
urlpatterns += [path("", _todo, name="dashboard"), path("review/", _todo, name="review")]
