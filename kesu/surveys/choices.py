"""Stable values of satisfaction surveys (labels are translated)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignKind(models.TextChoices):
    YEARLY = "yearly", _("Yearly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    AD_HOC = "ad_hoc", _("Ad hoc")
    # ISO 10002 §8.5, seed 000 §4.3.3.2: one contact asked after their complaint was closed.
    COMPLAINT = "complaint", _("After a complaint was closed")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft: choosing recipients")
    OPEN = "open", _("Open: collecting answers")
    CLOSED = "closed", _("Closed")


class AnswerChannel(models.TextChoices):
    LINK = "link", _("Personal link")
    PORTAL = "portal", _("Customer portal")
    WRITTEN = "written", _("Written form")
    PHONE = "phone", _("Phone call")
    EMAIL = "email", _("E-mail")
    IMPORT = "import", _("Excel import")


class ReportChannel(models.TextChoices):
    """How an improvement's result was reported to the customer."""

    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone call")
    WRITTEN = "written", _("Letter or written report")
    VISIT = "visit", _("Visit")


class Grade(models.TextChoices):
    BEST = "best", _("Best")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class InclusionReason(models.TextChoices):
    SHIPPED = "shipped", _("Shipments in the period")
    TOP_SALES = "top_sales", _("Among the top customers by sales")
    ADDED = "added", _("Added by hand")
    REMOVED = "removed", _("Removed by hand")
    NO_BUSINESS = "no_business", _("No shipments in the period")
    COMPLAINT_CLOSED = "complaint_closed", _("Their complaint was closed")


class TriggerKind(models.TextChoices):
    BELOW_THRESHOLD = "below_threshold", _("Answer below the threshold")
    CRITICAL_ZERO = "critical_zero", _("An item of a critical section scored zero")
    TARGET_MISSED = "target_missed", _("Campaign missed the yearly target")
    MEETING = "meeting", _("Decided by the improvement meeting")


class ImprovementStatus(models.TextChoices):
    """Seed 003 §5.3.2.2: the line is approved (呈核准) before the departments carry it out; its result is
    verified and reported to the customer (§5.3.2.1)."""

    PROPOSED = "proposed", _("Proposed: awaiting approval")
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    VERIFIED = "verified", _("Verified")
    REPORTED = "reported", _("Result reported to the customer")


class BandTrigger(models.TextChoices):
    """What an answer whose score falls in a band of the template's grade table raises (design §11)."""

    NONE = "none", _("Nothing")
    ACTION = "action", _("Analysis and improvement (a corrective action)")
    MEETING = "meeting", _("An improvement meeting, which then raises the actions")


class RankingBasis(models.TextChoices):
    """How the campaign ranked its customers by sales (seed 001 §4.2.2 3: the top five must receive the survey)."""

    AMOUNT = "amount", _("Sales amount in the base currency at the recorded exchange rates")
    RECORDED = "recorded", _("The customers' recorded sales rank (shipment prices or rates missing)")
    PARTIAL = "partial", _("Sales amount of the priced shipment lines only (prices missing, no recorded rank)")


class CompetitorDimension(models.TextChoices):
    """Seed 000 §4.3.1: competitiveness is compared in cost, quality, delivery and technology."""

    COST = "cost", _("Cost")
    QUALITY = "quality", _("Quality")
    DELIVERY = "delivery", _("Delivery")
    TECHNOLOGY = "technology", _("Technology")


class ReportStatus(models.TextChoices):
    """Seed 000 §4.3.3.3: sales writes the yearly report, the sales head approves it, the heads of engineering
    and QA countersign it, then it is distributed to every department, each confirming receipt."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the sales head")
    APPROVED = "approved", _("Approved by the sales head: awaiting countersignatures")
    DISTRIBUTED = "distributed", _("Distributed to the departments")
