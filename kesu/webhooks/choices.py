"""The events a subscription may choose and where a delivery is (issue 23 §5).

Event values are the stable names the receiving system sees in the payload's ``event`` field; never change one.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WebhookEvent(models.TextChoices):
    COMPLAINT_CREATED = "complaint.created", _("Complaint recorded")
    COMPLAINT_STATUS_CHANGED = "complaint.status_changed", _("Complaint status changed")
    COMPLAINT_CLOSED = "complaint.closed", _("Complaint closed")
    DISPOSITION_APPROVED = "disposition.approved", _("Return approved (goods to receive)")
    CLAIM_SETTLED = "claim.settled", _("Claim settled (amounts to book)")
    DELIVERY_PLAN_CONFIRMED = "delivery_plan.confirmed", _("Delivery plan confirmed by the customer")
    ACTION_CLOSED = "action.closed", _("Corrective action closed")


# The test message of the "send a test" button: not an event anyone subscribes to.
PING = "ping"


class DeliveryStatus(models.TextChoices):
    """Pending rows are retried with growing pauses while their subscription is active; a test either
    arrives or fails once."""

    PENDING = "pending", _("waiting")
    SENDING = "sending", _("being sent")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")
