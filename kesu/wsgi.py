"""WSGI entry point (gunicorn's workers in `kesu serve`, waitress in `kesu up`)."""
import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")
application = get_wsgi_application()


def _settle() -> None:
    """Import every view now rather than in the first request, then take what is loaded out of the garbage
    collector's sight: those objects live as long as the process, and a full collection walked all of them
    (a quarter of a million) every few hundred requests, a pause of 0.3–0.5 s that one request paid (issue 24:
    the lists' 95th percentile)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 — the URL configuration and every view it imports
    gc.collect()
    gc.freeze()


_settle()
