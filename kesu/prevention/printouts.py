"""The salesperson's after-sales assessment on paper (seed 004 §6 售后质量考核)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kesu.core.printing import PrintForm

from .assessment_view import drill_down


def assessment_pdf(assessment) -> bytes:
    import io

    form = PrintForm(company=assessment.company, title_zh="售后质量考核表", title=_("After-sales assessment"),
                     document_no=f"{assessment.salesperson.username}-{assessment.period_start:%Y%m%d}")
    form.grid([(_("Salesperson"), str(assessment.salesperson)),
               (_("Period"), f"{assessment.period_start:%Y-%m-%d} – {assessment.period_end:%Y-%m-%d}"),
               (_("Status"), str(assessment.get_status_display())),
               (_("Confirmed by"), str(assessment.confirmed_by or ""))])
    for section in drill_down(assessment):
        title = f"{section['clause']} {section['label']}: {section['count']}".strip()
        if section["total"] is not None:
            title = f"{title} · {section['total']}"
        form.heading(title)
        if section["records"]:
            form.table([_("Record"), _("Date"), _("Details")],
                       [[r["number"], r["date"], r["text"]] for r in section["records"]], widths=[0.25, 0.15, 0.6])
    form.heading(_("Sales director's comments"))
    form.paragraph(assessment.director_comment or "\n\n")
    form.sign_off([_("Salesperson"), _("Sales director")])
    return io.BytesIO(form.render())
