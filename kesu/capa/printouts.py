"""The 8D report and the nonconforming product handling form as PDF (issue 4 §5).

The 8D report is laid out as Chinese suppliers send it to customers: every
discipline in order, headed in the reader's language and in English.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.core.printing import PrintForm

from .choices import STEP_ENGLISH, ItemKind, Step, WhyChain
from .models import CorrectiveAction, NonconformingReport

FIVE_W_TWO_H = ("what", "where", "when", "who", "why", "how", "how_many")
SIX_M = ("fishbone_man", "fishbone_machine", "fishbone_material", "fishbone_method", "fishbone_measurement",
         "fishbone_environment")


def _when(company, value) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return timezone.localtime(value, company.tz).strftime("%Y-%m-%d %H:%M")
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _pairs(obj, names) -> list[tuple[str, object]]:
    rows = []
    for name in names:
        field = type(obj)._meta.get_field(name)
        value = getattr(obj, f"get_{name}_display")() if field.choices else getattr(obj, name)
        rows.append((str(field.verbose_name), _when(obj.company, value) if value is not None else ""))
    return rows


def _heading(form: PrintForm, step: str) -> None:
    local = str(Step(step).label)
    english = STEP_ENGLISH[step]
    form.heading(local if local == english else f"{local} / {english.split(' ', 1)[1]}")


def eight_d_pdf(action: CorrectiveAction, *, for_customer: bool = False) -> bytes:
    """The 8D report of one action, D0 to D8.

    ``for_customer`` prints the copy shared through the portal (issue 23 §1): the action's owner is the only
    person named (no team members, step or item owners, verifier), and neither the other sources the action was
    raised from nor the containment notes appear.
    """
    company = action.company
    form = PrintForm(company=company, title_zh="8D 报告", title=_("8D report"), document_no=action.number)
    parts = "、".join(f"{p.part_no} {p.name}" for p in action.parts.all())
    head = [(_label(CorrectiveAction, "title"), action.title),
            (_label(CorrectiveAction, "customer"), f"{action.customer.code} {action.customer.name}"
             if action.customer_id else ""),
            (_("affected parts"), parts), (_label(CorrectiveAction, "raised_at"), _when(company, action.raised_at))]
    if for_customer:
        head.append((_("owner"), str(action.owner)))
    else:
        head.append((_("sources"), "、".join(link.label or link.get_kind_display() for link in action.links.all())))
    head.append((_label(CorrectiveAction, "status"), action.get_status_display()))
    form.grid(head, columns=2)
    steps = {s.step: s for s in action.steps.all()}

    def step_line(step: str) -> None:
        row = steps.get(step)
        if row is not None and for_customer:
            form.paragraph(_("Due %(due)s · done %(done)s") % {
                "due": _when(company, row.due_at), "done": _when(company, row.done_at) or "—"}, "label")
        elif row is not None:
            form.paragraph(_("Owner: %(owner)s · due %(due)s · done %(done)s") % {
                "owner": row.owner, "due": _when(company, row.due_at), "done": _when(company, row.done_at) or "—"},
                "label")

    _heading(form, Step.D0)
    step_line(Step.D0)
    form.paragraph(action.emergency_response or "—")
    _heading(form, Step.D1)
    step_line(Step.D1)
    if for_customer:
        form.table([_("department"), _("team leader"), _("task in the team")],
                   [(m.department or "", m.is_leader, m.responsibility) for m in action.team.all()],
                   widths=[0.35, 0.15, 0.5], empty=_("None yet."))
    else:
        form.table([_("member"), _("department"), _("team leader"), _("task in the team")],
                   [(m.user, m.department or "", m.is_leader, m.responsibility) for m in action.team.all()],
                   widths=[0.25, 0.25, 0.15, 0.35], empty=_("None yet."))
    _heading(form, Step.D2)
    step_line(Step.D2)
    form.paragraph(action.problem)
    form.grid(_pairs(action, FIVE_W_TWO_H), columns=1)
    _heading(form, Step.D3)
    step_line(Step.D3)
    form.table([_("stock"), _("quantity sorted"), _("quantity found bad"), _("effective from"), _("note")],
               [(c.get_location_display(), c.quantity_checked, c.quantity_bad, _when(company, c.effective_on),
                 "" if for_customer else c.note)
                for c in action.containment.all()], widths=[0.2, 0.15, 0.15, 0.15, 0.35], empty=_("None yet."))
    _heading(form, Step.D4)
    step_line(Step.D4)
    form.grid(_pairs(action, ("occurrence_cause", "escape_cause")), columns=1)
    for chain in WhyChain:
        whys = [w for w in action.whys.all() if w.chain == chain]
        if whys:
            form.paragraph(f"5 Why — {chain.label}", "label")
            form.table([_("why no."), _("because")], [(f"Why {w.position}", w.answer) for w in whys],
                       widths=[0.15, 0.85])
    form.paragraph(_("Fishbone (6M)"), "label")
    form.grid(_pairs(action, SIX_M), columns=2)
    _heading(form, Step.D5)
    step_line(Step.D5)
    permanent = [i for i in action.items.all() if i.kind == ItemKind.PERMANENT]
    form.table([_("action"), _("owner"), _("due on")],
               [(i.text, _item_owner(i, action, for_customer), _when(company, i.due_on)) for i in permanent],
               widths=[0.6, 0.2, 0.2], empty=_("None yet."))
    _heading(form, Step.D6)
    step_line(Step.D6)
    form.table([_("action"), _("implemented on"), _("validation")],
               [(i.text, _when(company, i.implemented_on), i.validation) for i in permanent],
               widths=[0.4, 0.2, 0.4], empty=_("None yet."))
    _heading(form, Step.D7)
    step_line(Step.D7)
    form.grid(_pairs(action, ("procedures_updated", "fmea_updated", "control_plan_updated", "lessons_learned")),
              columns=2)
    prevention = [i for i in action.items.all() if i.kind == ItemKind.PREVENTION]
    if prevention:
        form.table([_("action"), _("owner"), _("due on")],
                   [(i.text, _item_owner(i, action, for_customer), _when(company, i.due_on)) for i in prevention],
                   widths=[0.6, 0.2, 0.2])
    _heading(form, Step.D8)
    step_line(Step.D8)
    closing = ("verified_at", "effectiveness_evidence", "effectiveness_reason", "closed_at") if for_customer else (
        "recognition", "verified_by", "verified_at", "effectiveness_evidence", "effectiveness_reason", "closed_at")
    form.grid(_pairs(action, closing), columns=1)
    form.sign_off([_("Team leader"), _("Quality assurance"), _("Approved by"), _("Customer")])
    return form.render()


def _item_owner(item, action: CorrectiveAction, for_customer: bool) -> str:
    # The customer's copy names the action's owner only: an item of someone else's leaves the cell empty.
    if item.owner_id is None or (for_customer and item.owner_id != action.owner_id):
        return ""
    return str(item.owner)


def capa_form_pdf(action: CorrectiveAction) -> bytes:
    """The simple CAPA form (《纠正和预防措施处理单》)."""
    form = PrintForm(company=action.company, title_zh="纠正和预防措施处理单", title=_("Corrective action"),
                     document_no=action.number)
    form.grid(_pairs(action, ("title", "kind", "customer", "responsible_department", "owner", "raised_at",
                              "status")), columns=2)
    for name in ("problem", "cause", "corrective_measures", "verification"):
        form.heading(_label(CorrectiveAction, name))
        form.paragraph(getattr(action, name) or "—")
    form.grid(_pairs(action, ("approved_by", "approved_at", "verified_by", "verified_at", "closed_at")), columns=2)
    form.sign_off([_("Responsible department"), _("Quality assurance"), _("Approved by")])
    return form.render()


def ncr_pdf(ncr: NonconformingReport) -> bytes:
    """《不合格品处理单》: issued by QA, answered by the department, verified by QA."""
    form = PrintForm(company=ncr.company, title_zh="不合格品处理单", title=_("Nonconforming product report"),
                     document_no=ncr.number)
    form.grid(_pairs(ncr, ("complaint", "action", "part", "quantity", "disposition", "responsible_department",
                           "issued_by", "issued_at", "answer_due_at", "status")), columns=2)
    for name in ("description", "cause", "measures", "verification_note"):
        form.heading(_label(NonconformingReport, name))
        form.paragraph(getattr(ncr, name) or "—")
    form.grid(_pairs(ncr, ("answered_by", "answered_at", "result", "verified_by", "verified_at")), columns=2)
    form.sign_off([_("Quality assurance"), _("Responsible department"), _("Verified by")])
    return form.render()


def pdf_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


def action_pdf(action: CorrectiveAction) -> HttpResponse:
    render = eight_d_pdf if action.format == "8d" else capa_form_pdf
    return pdf_response(render(action), f"{action.number}-{action.format}")
