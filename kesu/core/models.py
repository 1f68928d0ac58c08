"""Shared kernel models: audited base classes, the audit trail, the working calendar, import jobs."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connections, models, router
from django.db.models.signals import post_save, pre_save
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

_CHOICE_LABELS: dict[tuple[models.Field, str | None], dict] = {}


def choice_labels(field: models.Field) -> dict:
    """The field's choice labels in the active language, value → text (translated once per field and language)."""
    key = (field, translation.get_language())
    labels = _CHOICE_LABELS.get(key)
    if labels is None:
        labels = _CHOICE_LABELS[key] = {choice: str(label) for choice, label in field.flatchoices}
    return labels


def choice_label(field: models.Field, value):
    """What ``get_<field>_display()`` gives for ``value``: its choice label in the active language, else the value.

    Django's own lookup translates every label of the field on each call, which a list of fifty rows with
    three choice columns pays 1,500 times.
    """
    try:
        return choice_labels(field).get(value, value)
    except TypeError:  # an unhashable value is never a choice
        return value


def holds_related(record: models.Model, paths) -> bool:
    """Whether ``record`` was read with each related record of ``paths`` (``a__b``: through ``a``), as
    ``select_related`` leaves them, so a reader given it need not read it again."""
    for path in paths:
        held = record
        for name in path.split("__"):
            cache = held._state.fields_cache
            if name not in cache:
                return False
            held = cache[name]
            if held is None:
                break
    return True


def loaded_relations(instance: models.Model) -> list[str]:
    """The foreign keys of ``instance`` whose related record is in memory as read from (or saved to) the database.

    ``full_clean()`` asks the database whether each foreign key's record exists; for these the service has the
    record already, so a validation may leave them out (``exclude=``) without a query. A key with
    ``limit_choices_to`` is never listed: its check is more than existence.
    """
    names = []
    for field in instance._meta.concrete_fields:
        if not field.many_to_one or field.remote_field.limit_choices_to or not field.is_cached(instance):
            continue
        related = field.get_cached_value(instance)
        value = getattr(instance, field.attname)
        if (related is not None and value is not None and not related._state.adding
                and getattr(related, field.target_field.attname) == value):
            names.append(field.name)
    return names


def insert_all(records: list[models.Model]) -> list[models.Model]:
    """Insert new records of one model in one statement, sending for each, in order, the signals ``save()``
    sends (the audit trail's entry among them); their ids are set. Where the database cannot return the new ids
    of one INSERT, each record is saved on its own."""
    if not records:
        return records
    model = type(records[0])
    using = router.db_for_write(model)
    if not connections[using].features.can_return_rows_from_bulk_insert:
        for record in records:
            record.save(force_insert=True, using=using)
        return records
    for record in records:
        pre_save.send(sender=model, instance=record, raw=False, using=using, update_fields=None)
    model._default_manager.using(using).bulk_create(records)
    for record in records:
        post_save.send(sender=model, instance=record, created=True, update_fields=None, raw=False, using=using)
    return records


class AuditedModel(models.Model):
    """Base for every business record: timestamps and an automatic audit trail."""

    audit_enabled = True

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Remember what was loaded so the audit trail can show old → new
        # without a second query at save time. Only the loaded values are
        # kept here; the snapshot is built from them when it is first asked
        # for (audit.loaded_snapshot), so reading a million rows for an
        # export costs nothing extra.
        if len(field_names) == len(cls._meta.concrete_fields):
            instance._audit_values = values
        return instance

    def _get_FIELD_display(self, field):  # behind every get_<field>_display()
        return choice_label(field, getattr(self, field.attname))


class CompanyQuerySet(models.QuerySet):
    """Row-level access by company (conventions habit 7: decided in one place)."""

    def visible_to(self, user) -> CompanyQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(company_id__in=user.visible_company_ids())


class CompanyScopedModel(AuditedModel):
    """A record that belongs to exactly one company (design §1: every record belongs to one)."""

    company = models.ForeignKey(
        "accounts.Company", verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )

    objects = CompanyQuerySet.as_manager()

    class Meta:
        abstract = True

    def check_visible_to(self, user) -> None:
        if not (user.is_superuser or self.company_id in user.visible_company_ids()):
            raise PermissionDenied


class AuditEntry(models.Model):
    """One create / update / delete of an audited record. Append-only."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        BULK_CREATE = "bulk_create", _("bulk created")
        # Issue 18 §13–14: a full display of a contact's personal data, and its anonymisation.
        VIEW = "view", _("personal data viewed")
        ANONYMISE = "anonymise", _("anonymised")

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    source = models.CharField(_("source"), max_length=20)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    company_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries are append-only")


class CalendarYear(models.Model):
    """A year of the statutory (State Council) calendar that has been loaded and confirmed.

    A year without a row here is *unconfirmed*: deadlines that reach into it
    are marked provisional and administrators see a banner (issue 2 §3).
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=200)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        verbose_name = _("statutory calendar year")
        verbose_name_plural = _("statutory calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("statutory holiday")
    MAKEUP = "makeup", _("make-up working day")
    SHUTDOWN = "shutdown", _("company shutdown")
    EXTRA_SHIFT = "extra_shift", _("extra working day")


class StatutoryDay(models.Model):
    """A day that differs from the Monday–Friday default in the national calendar."""

    date = models.DateField(_("date"), unique=True)
    is_working = models.BooleanField(_("working day"))
    kind = models.CharField(_("kind"), max_length=20, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("statutory calendar day")
        verbose_name_plural = _("statutory calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class CompanyCalendarDay(CompanyScopedModel):
    """A company's own exception: a shutdown, an extra Saturday shift, or a local holiday.

    It wins over the statutory calendar for that company only.
    """

    date = models.DateField(_("date"))
    is_working = models.BooleanField(_("working day"))
    kind = models.CharField(_("kind"), max_length=20, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("company calendar day")
        verbose_name_plural = _("company calendar days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["company", "date"], name="company_calendar_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class NumberCounter(CompanyScopedModel):
    """The last number handed out per company, kind of record ("complaint", "action", …) and year.

    Written only by :func:`kesu.core.numbering.next_number`, which locks the
    row while numbering. Year 0 is a counter that never resets.
    """

    audit_enabled = False  # each record's own audit entry already shows its number

    key = models.CharField(_("kind of record"), max_length=30)
    year = models.PositiveSmallIntegerField(_("year"))
    last_value = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number counter")
        verbose_name_plural = _("number counters")
        constraints = [models.UniqueConstraint(fields=["company", "key", "year"], name="number_counter_unique")]

    def __str__(self) -> str:
        return f"{self.key} {self.year}: {self.last_value}"


class ImportJob(CompanyScopedModel):
    """One uploaded spreadsheet and its outcome: all rows in, or none with a row-by-row report."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("imported")
        REJECTED = "rejected", _("rejected")
        FAILED = "failed", _("failed")

    resource = models.CharField(_("data"), max_length=50)
    file_name = models.CharField(_("file"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_created = models.PositiveIntegerField(_("created"), default=0)
    rows_updated = models.PositiveIntegerField(_("updated"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rejected"), default=0)
    # The first errors only, for the page; every error (up to KESU_IMPORT_REPORT_MAX_ERRORS) is in ``report``.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    # A large file waits here for the worker (then is deleted); the error report is a file, not JSON in a row.
    upload = models.FileField(_("uploaded file"), upload_to="imports/queued/", blank=True)
    report = models.FileField(_("error report"), upload_to="imports/reports/%Y/%m/", blank=True)
    message = models.TextField(_("message"), blank=True)  # why a queued import failed as a whole
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    audit_enabled = False  # the job itself is the record of the import

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.resource} {self.file_name}"

    @property
    def finished(self) -> bool:
        return self.status not in (self.Status.QUEUED, self.Status.RUNNING)


class StatusChangeBase(CompanyScopedModel):
    """One move of a record through its workflow: which step, old → new status, by whom, why, when.

    The one shape of every workflow's history (conventions habit 3; design §12), written only by
    :func:`kesu.core.workflow.run_transition` and the services that create a record (``old_status`` "").
    A concrete model adds the foreign key to its record, names it in ``RECORD_FIELD``, and gives the
    status fields its own choices with :func:`status_fields`.
    """

    RECORD_FIELD: str = ""

    name = models.CharField(_("step"), max_length=40)
    old_status = models.CharField(_("from"), max_length=20, blank=True)
    new_status = models.CharField(_("to"), max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True, max_length=5000)
    at = models.DateTimeField(_("at"))

    class Meta:
        abstract = True
        ordering = ["at", "id"]
        # Recent moves across a company (activity, digests) without reading every record's history.
        indexes = [models.Index(fields=["company", "at"], name="%(class)s_co_at")]

    def __str__(self) -> str:
        return f"{self.old_status} → {self.new_status}"

    @property
    def record(self) -> models.Model:
        """The record that moved (a complaint, an action, a claim …), whatever its foreign key is called."""
        return getattr(self, self.RECORD_FIELD)

    @classmethod
    def write(cls, obj: models.Model, *, name: str, old: str, new: str, actor=None, note: str = "",
              at) -> StatusChangeBase:
        """Append the row of ``obj`` moving from ``old`` to ``new`` by step ``name`` (inside the caller's transaction)."""
        return cls.objects.create(**{cls.RECORD_FIELD: obj}, company_id=obj.company_id, name=name, old_status=old,
                                  new_status=new, actor=actor, note=note, at=at)


def status_fields(choices) -> tuple[models.CharField, models.CharField]:
    """The ``old_status`` and ``new_status`` fields of a status-change model, with its record's choices."""
    return (models.CharField(_("from"), max_length=20, choices=choices, blank=True),
            models.CharField(_("to"), max_length=20, choices=choices))


# -- retention and anonymisation (issue 18 §14, seed 002 "保存期3年") ------------------------------------------


class RetentionPolicy(CompanyScopedModel):
    """How long one company keeps one kind of record after it closes; three years when no row says otherwise."""

    DEFAULT_YEARS = 3  # seed 002: records are kept three years (保存期3年)

    record_type = models.CharField(_("record type"), max_length=30)
    years = models.PositiveSmallIntegerField(_("years kept after closure"), default=DEFAULT_YEARS)

    class Meta:
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")
        ordering = ["company", "record_type"]
        constraints = [models.UniqueConstraint(fields=["company", "record_type"], name="retention_policy_unique"),
                       models.CheckConstraint(condition=models.Q(years__gte=1), name="retention_years_positive")]

    def __str__(self) -> str:
        return f"{self.record_type}: {self.years}"


class RetentionReview(CompanyScopedModel):
    """The yearly list of records past their retention period, waiting for an administrator's confirmation."""

    year = models.PositiveSmallIntegerField(_("year"))
    prepared_at = models.DateTimeField(_("prepared at"))
    due_count = models.PositiveIntegerField(_("records due"), default=0)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    anonymised_count = models.PositiveIntegerField(_("records anonymised"), default=0)

    class Meta:
        verbose_name = _("retention review")
        verbose_name_plural = _("retention reviews")
        ordering = ["-year", "company"]
        constraints = [models.UniqueConstraint(fields=["company", "year"], name="retention_review_unique")]

    def __str__(self) -> str:
        return f"{self.company} {self.year}"


class Anonymisation(models.Model):
    """One record whose personal data was anonymised: after its retention period, or a contact on request.

    Append-only, and naming no one: the record by type and id, why, by whom and when.
    """

    class Kind(models.TextChoices):
        RETENTION = "retention", _("Retention period over")
        REQUEST = "request", _("On request")

    company = models.ForeignKey("accounts.Company", verbose_name=_("company"), on_delete=models.PROTECT,
                                related_name="+")
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    record = models.CharField(_("record"), max_length=200)
    kind = models.CharField(_("why"), max_length=20, choices=Kind.choices)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("anonymisation")
        verbose_name_plural = _("anonymisations")
        ordering = ["-at", "-id"]
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"], name="anonymisation_once")]

    def __str__(self) -> str:
        return self.record


class SavedFilter(models.Model):
    """A list's filters saved under a name by one user (issue 17 §7): the list's path and its query string.

    A personal preference, not a business record: it belongs to its user alone and is not audited.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters",
                             verbose_name=_("user"))
    list_path = models.CharField(_("list"), max_length=200)
    name = models.CharField(_("name"), max_length=80)
    query = models.TextField(_("filters"), blank=True)
    # Shared: the others of the owner's department see and use it too; only the owner deletes it.
    shared = models.BooleanField(_("shared with my department"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "list_path", "name"], name="saved_filter_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def url(self) -> str:
        return f"{self.list_path}?{self.query}" if self.query else self.list_path


class JobLease(models.Model):
    """Who runs a periodic job now, and when it last ran: the schedule every ``kesu worker`` shares (issue 24 §2).

    A worker runs a job only after taking this row (free or expired lease, job due); while the job runs the worker
    renews ``expires_at``. A worker killed mid-job stops renewing, the lease expires and another worker takes the
    unfinished job over (``last_finished_at`` older than ``last_started_at``). ``runs`` counts the starts.
    """

    name = models.CharField(_("job"), max_length=100, primary_key=True)
    holder = models.CharField(_("held by"), max_length=200, blank=True)
    expires_at = models.DateTimeField(_("lease expires at"), null=True, blank=True)
    last_started_at = models.DateTimeField(_("last started at"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished at"), null=True, blank=True)
    runs = models.PositiveBigIntegerField(_("runs"), default=0)

    class Meta:
        verbose_name = _("job lease")
        verbose_name_plural = _("job leases")

    def __str__(self) -> str:
        return self.name


class CacheEntry(models.Model):
    """A row of Django's database cache (``CACHES`` in settings): the sign-in and token throttle's counters,
    shared by every server process and node. The columns are the ones Django's ``createcachetable`` makes;
    Django reads and writes them itself, never through this model."""

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "kesu_cache"
        default_permissions = ()
        verbose_name = _("cache entry")
        verbose_name_plural = _("cache entries")

    def __str__(self) -> str:
        return self.cache_key


class PendingEvent(models.Model):
    """A business event written in the transaction of the change that causes it and not yet handed to the
    modules that act on it (notifications, messages to the customer, webhooks, repeat checks): ``kesu.core.events``.

    The row commits or rolls back with the change, so a committed change is always announced, even when the
    process that made it dies right after the commit; the row goes when the event has been handed on.
    """

    name = models.CharField(_("event"), max_length=100)
    record_type = models.CharField(_("record type"), max_length=100)
    record_id = models.BigIntegerField(_("record"))
    actor_id = models.BigIntegerField(_("actor"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("pending event")
        verbose_name_plural = _("pending events")

    def __str__(self) -> str:
        return f"{self.name} {self.record_type}:{self.record_id}"
