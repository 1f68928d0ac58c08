"""The survey form on paper (《顾客满意度调查表》): blank for a written reply, or filled with an answer.

Sales posts or hands the blank form to customers who do not answer by link (seed 001 §4.2.2: 问卷 filled in
and collected by sales); the filled form is the record of an answer.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.capa.printouts import pdf_response
from kesu.core.printing import PrintForm
from kesu.core.privacy import NAME, for_reader

from .models import Answer, SurveyTemplate

__all__ = ["pdf_response", "questionnaire_pdf"]


def questionnaire_pdf(template: SurveyTemplate, answer: Answer | None = None) -> bytes:
    """Every section and item with its answer options and points; ☑ marks the answer's choice."""
    chosen = {row.item_id: row for row in answer.items.all()} if answer is not None else {}
    form = PrintForm(company=template.company, title_zh="顾客满意度调查表", title=_("Customer satisfaction survey"),
                     document_no=f"{template.code} v{template.version}")
    if answer is not None:
        customer = answer.recipient.customer
        form.grid([(_("Customer"), f"{customer.code} {customer.name}"), (_("Campaign"), answer.campaign.name),
                   (_("Answered by"), for_reader(answer.respondent, NAME)),
                   (_("Answered at"), timezone.localtime(answer.answered_at, template.company.tz)
                    .strftime("%Y-%m-%d %H:%M")),
                   (_("Score"), f"{answer.score} ({answer.get_grade_display()})"),
                   (_("Channel"), answer.get_channel_display())])
    else:
        form.grid([(_("Customer"), ""), (_("Answered by"), ""), (_("Date"), ""), (_("Score"), "")])
    if template.introduction:
        form.space(2)
        form.paragraph(template.introduction)
    for section in template.sections.all():
        form.heading(f"{section.position}. {section.title}")
        rows = []
        for item in section.items.all():
            picked = chosen.get(item.pk)
            options = "  ".join(
                f"{'☑' if picked is not None and picked.option == o['label'] else '☐'} {o['label']} ({o['points']})"
                for o in item.options)
            rows.append([f"{section.position}.{item.position}", item.text, options,
                         picked.comment if picked is not None else ""])
        form.table([_("No."), _("Question"), _("Answer"), _("Comment")], rows, widths=[0.07, 0.3, 0.43, 0.2])
    form.heading(_("Other remarks or suggestions"))
    form.paragraph(answer.remarks if answer is not None and answer.remarks else "\n\n")
    form.sign_off([_("Customer (signature and stamp)"), _("Sales")])
    return form.render()
