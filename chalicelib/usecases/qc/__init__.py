"""Delivery reports and the QC gate before payout (API.md, "Delivery reports and the QC
gate"; docs/qc.md): reports.py (the talent's post), evaluators.py (pluggable judges),
evaluation.py (the QC worker), gate.py (held money), nudges.py (reminders, escalation),
admin.py (pass, waive, the queue)."""
