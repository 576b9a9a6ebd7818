"""Disputes: reading them, evidence, offers, escalation and the admin decision."""
