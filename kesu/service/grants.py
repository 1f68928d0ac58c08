"""Which role may view, add and change the records of this module (read by kesu.accounts.roles)."""

from kesu.accounts.roles import Role, grant

from .permissions import (
    CUSTOMER_RECORDERS,
    GM,
    JOB_WRITERS,
    PLANNERS,
    READERS,
    REPORT_BACK,
    SALES,
    SALES_HEAD,
    VISITORS,
)

grant("service", ["visit"], "view", set(READERS))
grant("service", ["visit"], "add", set(VISITORS))
grant("service", ["visit"], "change", set(VISITORS))
grant("service", ["serviceplan", "planline", "planmark", "servicerules"], "view", set(READERS))
grant("service", ["serviceplan", "planline", "planmark"], "add", set(PLANNERS))
grant("service", ["serviceplan", "planline", "planmark"], "change", set(PLANNERS | SALES_HEAD))
grant("service", ["servicejob"], "view", set(READERS))
grant("service", ["servicejob"], "add", set(JOB_WRITERS))
grant("service", ["servicejob"], "change", set(JOB_WRITERS))
grant("service", ["qualityreport"], "view", set(READERS))
grant("service", ["qualityreport"], "change", set(GM | REPORT_BACK))
grant("service", ["marketentry"], "view", set(READERS))
grant("service", ["marketentry"], "add", set(SALES | {Role.GENERAL_OFFICE}))
grant("service", ["marketentry"], "change", set(SALES | {Role.GENERAL_OFFICE}))
grant("service", ["customeryield", "customeraudit"], "view", set(READERS))
grant("service", ["customeryield", "customeraudit"], "add", set(CUSTOMER_RECORDERS))
