"""Who each prevention step hands on to (seed 001 §七; seed 004 §6), written out for
kesu/notifications/tests/test_every_table.py and test_handoffs.py here."""

OWNER = "owner"
OPEN = ("identifying", "diagnosing", "preventing")

SIGNALS = {
    # Seed 001 §三: identified, the working group's follower diagnoses it; diagnosed, the actions are carried out
    # and the follower (a C signal; an A or B one: the leadership's decider) closes it.
    ("identify", "identifying"): ("diagnose", OWNER),
    ("diagnose", "diagnosing"): ("close_resolved", OWNER),
    ("close_resolved", "preventing"): None,
    **{("to_complaint", s): None for s in OPEN},
    **{("close_no_risk", s): None for s in OPEN},
}
ASSESSMENTS = {
    ("confirm", "draft"): None,
}
EXPECTED = {"prevention.signal": SIGNALS, "prevention.assessment": ASSESSMENTS}
