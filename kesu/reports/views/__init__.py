"""Pages of the reports app: analyses and the monthly summary (``analyses``), the KPI dashboard, targets,
settings and the management review pack (``dashboard``), the departments' monthly reports (``department``)."""
