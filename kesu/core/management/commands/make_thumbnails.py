"""Make the thumbnails missing for images uploaded before thumbnails existed (issue 17 §8)."""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kesu.core.uploads import make_missing_thumbnails

MODELS = ("complaints.ComplaintAttachment", "claims.ClaimDocument")


class Command(BaseCommand):
    help = "Make missing thumbnails for stored image attachments (safe to run twice)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="Stop after this many thumbnails.")

    def handle(self, *args, limit=None, **options):
        made = make_missing_thumbnails([apps.get_model(label) for label in MODELS], limit=limit)
        self.stdout.write(_("%(count)s thumbnails made.") % {"count": made})
