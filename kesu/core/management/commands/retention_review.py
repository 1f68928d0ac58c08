"""``manage.py retention_review``: list the records past their retention period (issue 18 §14).

Prepares this year's review per company (as the worker's yearly job does) and prints what is due; anonymising is
confirmed by an administrator on the retention page or through the API, never by this command.
"""

from django.core.management.base import BaseCommand

from kesu.core.retention import retention_due, retention_review_prepare


class Command(BaseCommand):
    help = "List the records past their retention period, per company, for an administrator to confirm."

    def handle(self, *args, **options) -> None:
        for review in retention_review_prepare():
            due = retention_due(review.company)
            self.stdout.write(f"{review.company.code} {review.year}: {len(due)}")
            for item in due:
                self.stdout.write(f"  {item.record_type} #{item.pk} {item.label} {item.closed:%Y-%m-%d}")
