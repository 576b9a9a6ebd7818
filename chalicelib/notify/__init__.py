"""Notifications' presentation: gettext catalogues (en, ar, ckb), per-locale money and time
formatting, and the Jinja2 email templates. Jinja2 and Babel are imported on first use only,
so `import app` (cold start) never loads them."""
