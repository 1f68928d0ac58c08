"""Contract, order and tender review, contract changes, the contract ledger and customer demand to a delivery plan (issue 20, seed 002)."""
