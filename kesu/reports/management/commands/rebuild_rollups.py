"""``manage.py rebuild_rollups`` (``kesu manage rebuild_rollups``): rebuild the complaint rollup of every month
(issue 24 §5), after an upgrade, a bulk import or a change of a company's time zone. Safe to run at any time,
also while the worker runs: each month is replaced in one transaction."""

from django.core.management.base import BaseCommand

from kesu.reports.services.rollups import rollups_rebuild_all


class Command(BaseCommand):
    help = "Rebuild the monthly complaint rollup the dashboards and analyses read, for every month."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--company", type=int, action="append", help="Only this company id (repeatable).")

    def handle(self, *args, **options) -> None:
        months = rollups_rebuild_all(options["company"])
        self.stdout.write(f"{months} company months rebuilt")
