"""Which role may view, add and change the records of this module (read by kesu.accounts.roles)."""

from kesu.accounts.roles import grant

from .permissions import READERS, VISITORS

grant("service", ["visit"], "view", set(READERS))
grant("service", ["visit"], "add", set(VISITORS))
grant("service", ["visit"], "change", set(VISITORS))
