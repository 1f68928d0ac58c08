"""Which role may view, add and change the records of this module (read by kesu.accounts.roles)."""

from kesu.accounts.roles import grant

from .permissions import PLANNERS, READERS, SALES_HEAD, VISITORS

grant("service", ["visit"], "view", set(READERS))
grant("service", ["visit"], "add", set(VISITORS))
grant("service", ["visit"], "change", set(VISITORS))
grant("service", ["serviceplan", "planline", "planmark", "servicerules"], "view", set(READERS))
grant("service", ["serviceplan", "planline", "planmark"], "add", set(PLANNERS))
grant("service", ["serviceplan", "planline", "planmark"], "change", set(PLANNERS | SALES_HEAD))
