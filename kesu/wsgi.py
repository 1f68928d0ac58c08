"""WSGI entry point (gunicorn's workers in `kesu serve`, waitress in `kesu up`)."""
import gc
import logging
import os
from pathlib import Path

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")
application = get_wsgi_application()

logger = logging.getLogger(__name__)
PACKAGE = Path(__file__).resolve().parent


def own_templates() -> list[tuple[object, str]]:
    """(engine, name) of each of Kesu's own templates (its template folder and its apps'), as the loaders find
    them; Django's admin and other libraries' templates are left to be compiled when first used."""
    from django.template import engines

    found = set()
    for engine in engines.all():
        for directory in map(Path, engine.template_dirs):
            if directory.resolve().is_relative_to(PACKAGE):
                found.update((engine, path.relative_to(directory).as_posix()) for path in directory.rglob("*")
                             if path.is_file() and path.suffix in {".html", ".txt"})
    return sorted(found, key=lambda pair: pair[1])


def _warm() -> None:
    """What the first requests would otherwise build and keep for the process's life: every view and the URL
    configuration, each language's URL reversal tables and translation catalogue, and Kesu's templates compiled
    (the cached loader keeps them)."""
    from django.conf import settings
    from django.template import TemplateSyntaxError
    from django.urls import get_resolver, reverse
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 — the URL configuration and every view it imports
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            reverse("home")  # the resolver's reversal tables are built per language
    for engine, name in own_templates():
        try:
            engine.get_template(name)
        except TemplateSyntaxError:  # shown to whoever opens the page using it, as without the warm-up
            logger.exception("template %s does not compile", name)


def _settle() -> None:
    """Build what the process keeps (:func:`_warm`) now rather than in the first requests, then take it out of
    the garbage collector's sight: those objects live as long as the process, and a full collection walked all
    of them (a quarter of a million) every few hundred requests, a pause of 0.3–0.5 s that one request paid
    (issue 24: the lists' 95th percentile); templates compiled after that walked again in every full collection."""
    _warm()
    gc.collect()
    gc.freeze()


_settle()
