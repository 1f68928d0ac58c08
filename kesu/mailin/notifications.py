"""Telling the company's administrators that a mailbox of the complaint intake cannot be read (issue 23 §2)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from kesu.notifications.choices import Audience, Event
from kesu.notifications.services import DEFAULT_RULES

# The rule's default lives beside the sender (the notifications app knows the event, the mail intake its audience):
# the company's administrators, given as context["members"], in the inbox and by e-mail.
DEFAULT_RULES.setdefault(Event.MAILBOX_DOWN, ([Audience.MEMBERS], True))


def administrators(company) -> list:
    """The active administrators of the company (role ``admin``)."""
    from kesu.accounts.models import User
    from kesu.accounts.roles import Role

    return list(User.objects.filter(company=company, is_active=True, position__role=Role.ADMIN).order_by("pk"))


def mailbox_down_tell(mailbox, error: str, failures: int) -> None:
    """One notice per outage: the mailbox, how often it failed and the server's error."""
    from kesu.notifications.services import notify

    def message() -> tuple[str, str]:
        title = _("Mailbox “%(name)s” cannot be read") % {"name": mailbox.name}
        body = _("Kesu tried %(count)s times in a row to read %(user)s on %(host)s and keeps trying. "
                 "Mails sent to it wait on the mail server until it can be read again.\n\nError: %(error)s") % {
            "count": failures, "user": mailbox.username, "host": mailbox.host, "error": error}
        return title, body

    notify(event=Event.MAILBOX_DOWN, company=mailbox.company, context={"members": administrators(mailbox.company)},
           message=message, link=reverse("mailin:mailbox_list"))
