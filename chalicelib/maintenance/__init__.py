"""One-off maintenance commands, run by an operator (`python -m chalicelib.maintenance.<name>`),
never by a request or a worker."""
