"""What the developer sees once the stack is up: where things are and how to start."""

from __future__ import annotations

from collections.abc import Mapping

from devstack.config import StackConfig


def render(config: StackConfig, tokens: Mapping[str, str]) -> str:
    api, sandbox = config.api_url, config.sandbox_url
    lines = [
        "",
        "Local stack",
        f"  API            {api}",
        f"  sandbox        {sandbox}   (dev issuer; /dev/clock /dev/tick /dev/drain /dev/outbox"
        " /dev/transitions)",
        f"  AWS emulator   {config.aws_url}   (sent emails: GET {sandbox}/dev/outbox)",
        f"  WebSocket      {config.ws_url}/?token=<JWT>   (real time; @connections on"
        f" {config.ws_connections_url})",
        "",
        "Tokens (valid 12 h; the issuer key lives in " + str(config.state_dir) + ")",
    ]
    lines += [f"  {name:<9} {token}" for name, token in tokens.items()]
    customer = tokens.get("customer", "<token>")
    lines += [
        "",
        "Try",
        f"  curl -s {api}/v1/health",
        f'  curl -s -H "Authorization: Bearer {customer}" {api}/v1/me',
        f"  curl -s -X POST {sandbox}/dev/token -H 'Content-Type: application/json' \\",
        '       -d \'{"email": "someone@example.com", "admin": false}\'',
        f"  curl -s -X POST {sandbox}/dev/clock -d '{{\"advance_seconds\": 3600}}'",
        f"  curl -s -X POST {sandbox}/dev/tick",
        f"  curl -s {sandbox}/dev/outbox",
        "",
        "Ctrl-C stops everything.",
        "",
    ]
    return "\n".join(lines)
