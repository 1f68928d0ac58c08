"""Complaint prevention and salesperson assessment: early-warning signals, groups, monitoring, repeat complaints, the after-sales assessment of salespeople (issue 22, seeds 001 and 004 §6)."""
