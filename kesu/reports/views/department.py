"""Placeholder until the module is written."""

from django.http import HttpResponse
from django.urls import path


def _todo(request):
    return HttpResponse("")


urlpatterns = []
urlpatterns += [path("department/", _todo, name="department_list")]
