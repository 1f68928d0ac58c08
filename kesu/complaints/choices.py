"""Choices for complaint handling (design §2): stable lowercase values, translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """Intake and communication channels (design §2, seed 004 §7, seed 002)."""

    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    FAX = "fax", _("Fax")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit")
    ONSITE = "onsite", _("On-site")
    PORTAL = "portal", _("Customer portal")
    WRITTEN_FORM = "written_form", _("Written form")


class Severity(models.TextChoices):
    """Seed 004 §6.3 knows minor (轻微) and severe (严重); seed 000 §4.1.3 general (一般) and major (重大)."""

    MINOR = "minor", _("Minor")
    GENERAL = "general", _("General")
    MAJOR = "major", _("Major")
    SEVERE = "severe", _("Severe")


class Priority(models.IntegerChoices):
    """ISO 10002 §7.3: complaints are handled by priority; lower numbers first (see ``services.priority``)."""

    URGENT = 1, _("Urgent")
    HIGH = 2, _("High")
    NORMAL = 3, _("Normal")
    LOW = 4, _("Low")


class WarningClass(models.TextChoices):
    """Early-warning class (投诉预警, seed 001)."""

    A = "a", _("A (media, provincial authorities, petitions)")
    B = "b", _("B (local authorities, may become A)")
    C = "c", _("C (solvable by service)")
    NONE = "none", _("No warning")


class Responsibility(models.TextChoices):
    OURS = "ours", _("Ours")
    CUSTOMER = "customer", _("Customer")
    SUPPLIER = "supplier", _("Supplier")
    UNDETERMINED = "undetermined", _("Undetermined")


class Exclusion(models.TextChoices):
    """Seed 004 §5.1: human error, force majeure and consumables are not covered."""

    NONE = "none", _("None")
    HUMAN_ERROR = "human_error", _("Human error")
    FORCE_MAJEURE = "force_majeure", _("Force majeure")
    CONSUMABLE = "consumable", _("Consumable part")


class WindowStatus(models.TextChoices):
    INSIDE = "inside", _("Inside the acceptance window")
    OUTSIDE = "outside", _("Outside the acceptance window")
    EXCLUDED = "excluded", _("Excluded")
    UNKNOWN = "unknown", _("Unknown")


class WindowKind(models.TextChoices):
    WORKING_DAYS = "working_days", _("Working days from the customer's receipt")
    WARRANTY_MONTHS = "warranty_months", _("Warranty months")
    NONE = "none", _("No window")


class AcceptanceDecision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    PAID_SERVICE = "paid_service", _("Accepted as paid service")
    GOODWILL = "goodwill", _("Accepted as goodwill")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")


class DispositionKind(models.TextChoices):
    """Seed 004 §7."""

    RETURN = "return", _("Return")
    REPAIR = "repair", _("Repair")
    ONSITE_REPAIR = "onsite_repair", _("On-site repair")
    EXCHANGE = "exchange", _("Exchange")
    REPLENISH = "replenish", _("Replenish")
    CREDIT = "credit", _("Credit")
    NONE = "none", _("None")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ASSESSED = "assessed", _("Assessed")
    SALES_HANDLING = "sales_handling", _("Handled by sales")
    QA_INVESTIGATION = "qa_investigation", _("QA investigation")
    REMEDY_PROPOSED = "remedy_proposed", _("Remedy proposed")
    REMEDY_APPROVED = "remedy_approved", _("Remedy approved")
    CUSTOMER_REJECTED = "customer_rejected", _("Rejected by the customer")
    REMEDY_ACCEPTED = "remedy_accepted", _("Accepted by the customer")
    REMEDY_DONE = "remedy_done", _("Remedy carried out")
    VERIFICATION = "verification", _("Verification")
    EXPLANATION_SENT = "explanation_sent", _("Explanation sent")
    CLOSED = "closed", _("Closed")
    REJECTED_AT_INTAKE = "rejected_at_intake", _("Rejected at intake")
    CANCELLED = "cancelled", _("Cancelled")


FINAL_STATUSES = frozenset({Status.CLOSED, Status.REJECTED_AT_INTAKE, Status.CANCELLED})
OPEN_STATUSES = frozenset(set(Status) - FINAL_STATUSES)


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


class CustomerDecision(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class InspectionResult(models.TextChoices):
    PENDING = "pending", _("Pending")
    PASS = "pass", _("Passed")
    FAIL = "fail", _("Failed")


class VerificationResult(models.TextChoices):
    """A check of a later delivery of the part (004 §5.2(3)): did the problem recur?"""

    OK = "ok", _("OK: the problem did not recur")
    NOT_OK = "not_ok", _("Not OK: the problem recurred")


class DeadlineKind(models.TextChoices):
    PASS_ON = "pass_on", _("Pass on to superior and sales assistant")
    REPLY = "reply", _("Reply to the customer")
    SALES_REMEDY = "sales_remedy", _("Sales remedy proposal")
    QA_OPINION = "qa_opinion", _("QA opinion")
    DEPARTMENT_ANSWER = "department_answer", _("Department answer")
    INITIAL_REPORT_APPROVAL = "initial_report_approval", _("Initial analysis report approval")
    # ISO 10002 §7.7: closed within the company's target (working days from receipt).
    CLOSURE = "closure", _("Close the complaint")


class DeadlineState(models.TextChoices):
    DUE = "due", _("On track")  # the deadline is ahead and not yet at risk; "Due" is the column (期限)
    AT_RISK = "at_risk", _("At risk")
    OVERDUE = "overdue", _("Overdue")
    MET = "met", _("Met")
    CANCELLED = "cancelled", _("Cancelled")


class TimelineKind(models.TextChoices):
    COMMUNICATION = "communication", _("Communication")
    NOTE = "note", _("Internal note")
    TRANSITION = "transition", _("Status change")
    ESCALATION = "escalation", _("Escalation")
    ASSIGNMENT = "assignment", _("Assignment")


class Direction(models.TextChoices):
    IN = "in", _("From the customer")
    OUT = "out", _("To the customer")


class EscalationStep(models.TextChoices):
    """Steps of the configurable escalation chain (issue 3 §4)."""

    OWNER = "owner", _("Owner")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    DIRECTOR = "director", _("Sales director or general manager")
    GM = "gm", _("General manager")


class EscalationAction(models.TextChoices):
    """What one level of the escalation chain does (issue 18 §12): tell the level's person, or also hand them
    the overdue work."""

    NOTIFY = "notify", _("Notify only")
    REASSIGN = "reassign", _("Reassign to this level")
