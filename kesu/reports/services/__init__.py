"""Every write of the reports app (conventions habit 1): one module per business area.

- :mod:`.snapshots` — the monthly snapshot;
- :mod:`.alerts` — trend alerts raising rectification requests through the CAPA service;
- :mod:`.targets` — KPI targets and analysis settings;
- :mod:`.department` — the departments' monthly reports: drafts, edits, submit/approve/return, reminders.
"""
