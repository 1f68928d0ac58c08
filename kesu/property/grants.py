"""Which role may view, add and change the records of this module (read by kesu.accounts.roles)."""

from kesu.accounts.roles import ALL, SALES, Role, grant

MODELS = ["propertyitem", "loan", "damagereport", "externaldocument", "drawingrevision", "controlledcopy",
          "inventorycheck", "inventoryline", "photo", "customerinformation"]
STAFF = {r for r in ALL if r != Role.ADMIN}

grant("property", MODELS, "view", STAFF)
# Seed 000 §4.4.1: sales compiles the ledger; engineering registers drawings; QA keeps documents and gauges.
grant("property", ["propertyitem", "photo"], "add", SALES | {Role.ENGINEERING, Role.QA})
grant("property", ["propertyitem", "photo"], "change",
      SALES | {Role.ENGINEERING, Role.QA, Role.PRODUCTION})
grant("property", ["loan", "damagereport"], "add", STAFF)
grant("property", ["externaldocument", "drawingrevision", "controlledcopy"], "add", {Role.ENGINEERING})
grant("property", ["inventorycheck"], "add", SALES | {Role.QA})
grant("property", ["customerinformation"], "add", SALES | {Role.ENGINEERING, Role.QA})
grant("property", ["propertysettings"], "change", {Role.SALES_DIRECTOR})
