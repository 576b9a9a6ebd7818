"""The admin console: moderation, users, the audit log, the dashboard and exports."""
