"""Who each service-plan step hands the plan to (seed 002 §5.2.1: sales prepares, the sales head approves)."""

from kesu.accounts.roles import Role

OWNER = "owner"

EXPECTED = {
    "service.plan": {
        ("submit", "draft"): ("approve", (Role.SALES_DIRECTOR,)),
        ("approve", "submitted"): None,
        ("return", "submitted"): ("submit", OWNER),
    },
}
