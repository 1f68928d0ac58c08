"""WSGI entry point (served by waitress in `kesu up`)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")
application = get_wsgi_application()
