"""Which role may view, add and change the records of this module (read by kesu.accounts.roles).

Who takes each workflow step is decided by the tables in workflow.py; these gate the pages and the API."""

from kesu.accounts.roles import ALL, MANAGEMENT, SALES, Role, grant

_MODELS = ["contractreview", "signoff", "revision", "reviewchange", "changenotice", "receipt", "noticechange", "deliveryplan",
           "deliveryplanchange", "approvedoutsourcer", "reviewmeeting"]
_STAFF = ALL - {Role.AFTER_SALES, Role.GENERAL_OFFICE}
grant("contracts", _MODELS, "view", _STAFF | {Role.GENERAL_OFFICE})
grant("contracts", ["contractreview", "changenotice", "deliveryplan"], "add", SALES)
# Every department asked signs off (a step of the review), so each may change a review through its steps.
grant("contracts", ["contractreview", "changenotice", "deliveryplan"], "change", _STAFF)
grant("contracts", ["reviewrules"], "view", SALES | MANAGEMENT)
grant("contracts", ["reviewrules"], "change", MANAGEMENT | {Role.SALES_DIRECTOR})
# 《外包加工商清单》: purchasing and QA keep the approved-outsourcer list, the vice GM and GM too.
grant("contracts", ["approvedoutsourcer"], "add", {Role.PURCHASING, Role.QA, Role.VICE_GM, Role.GM})
grant("contracts", ["approvedoutsourcer"], "change", {Role.PURCHASING, Role.QA, Role.VICE_GM, Role.GM})
# The central review meeting is recorded by sales (who runs the review) or management.
grant("contracts", ["reviewmeeting"], "add", SALES | MANAGEMENT)
