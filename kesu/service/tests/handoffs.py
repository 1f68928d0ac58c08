"""Who each service-plan step hands the plan to (seed 002 §5.2.1: sales prepares, the sales head approves)."""

from kesu.accounts.roles import Role

OWNER = "owner"

EXPECTED = {
    "service.plan": {
        ("submit", "draft"): ("approve", (Role.SALES_DIRECTOR,)),
        ("approve", "submitted"): None,
        ("return", "submitted"): ("submit", OWNER),
    },
    # Issue 21 §5: the GM analyses the causes; sales (or the general office) reports the result to the customers.
    "service.quality_report": {
        ("analyse", "sent"): ("report_back", (Role.SALESPERSON, Role.SALES_ASSISTANT, Role.REGIONAL_MANAGER,
                                              Role.SALES_DIRECTOR, Role.GENERAL_OFFICE)),
        ("report_back", "analysed"): None,
    },
}
