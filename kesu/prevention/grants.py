"""Which role may view, add and change the records of this module (read by kesu.accounts.roles)."""

from kesu.accounts.roles import Role, grant

R = Role
SALES = {R.SALESPERSON, R.SALES_ASSISTANT, R.REGIONAL_MANAGER, R.SALES_DIRECTOR}
STAFF = SALES | {R.AFTER_SALES, R.QA, R.GENERAL_OFFICE, R.GM, R.VICE_GM, R.ENGINEERING, R.PRODUCTION}
RECORDERS = STAFF - {R.PRODUCTION}
# Seed 001 §六: the leadership group (GM, vice GM) and the prevention office in the technical quality section (QA).
GROUP_EDITORS = {R.GM, R.VICE_GM, R.QA}
ASSESSORS = {R.SALES_DIRECTOR, R.REGIONAL_MANAGER, R.GM, R.VICE_GM}

grant("prevention", ["warningsignal", "preventiveaction", "preventiongroup", "groupmember", "specialmeeting",
                     "repeatflag", "repeatsettings"], "view", STAFF)
grant("prevention", ["warningsignal"], "add", RECORDERS)
grant("prevention", ["warningsignal", "preventiveaction", "specialmeeting"], "change", STAFF)
grant("prevention", ["preventiveaction", "specialmeeting"], "add", STAFF)
grant("prevention", ["preventiongroup", "groupmember"], "change", GROUP_EDITORS)
grant("prevention", ["groupmember"], "add", GROUP_EDITORS)
grant("prevention", ["repeatsettings"], "change", GROUP_EDITORS)
# Seed 004 §6: the salesperson sees their own assessment (row level: selectors.assessments_for); the sales director
# (and the regional manager, the GM) compute and confirm.
grant("prevention", ["assessment"], "view", SALES | {R.GM, R.VICE_GM})
grant("prevention", ["assessment"], "add", ASSESSORS)
grant("prevention", ["assessment"], "change", ASSESSORS)
