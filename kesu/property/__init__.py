"""Customer property: the ledger of what customers hand over, the external drawing register, loans, damage and loss, inventory checks (issue 19, seed 000 §4.4)."""
