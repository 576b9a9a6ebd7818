"""What sandbox routes may use: the stack's parts, handed over once at startup."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from devstack.emulator import AwsEmulator
from devstack.issuer import DevIssuer
from devstack.platform_clock import PlatformClock
from devstack.pump import EventPump


@dataclass(frozen=True)
class SandboxContext:
    issuer: DevIssuer
    pump: EventPump
    emulator: AwsEmulator
    clock: PlatformClock
    api_url: str
    sandbox_url: str
    # Names and URLs of what infra.local created, for tools and tests that need them.
    resources: Mapping[str, object] = field(default_factory=dict)
