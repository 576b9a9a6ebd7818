"""/dev/* and the JWKS: the developer's levers on the local stack (issuer, clock, queues,
outbox, the system's transitions). Time travel, the queue levers and system transitions
exist only when the stage is local."""

from __future__ import annotations

import math
import re
from typing import Any

from devstack.issuer import DEFAULT_TTL_SECONDS
from devstack.sandbox.context import SandboxContext
from devstack.sandbox.http import HttpError, Request, Router, bad_request

DRAIN_TIMEOUT_SECONDS = 60.0
MAX_TOKEN_TTL_SECONDS = 30 * 86400
MAX_CLOCK_STEP_SECONDS = 10 * 365 * 86400
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TOKEN_FIELDS = frozenset({"email", "admin", "name", "expires_in"})
_TRANSITION_FIELDS = frozenset({"subject_type", "subject_id", "name", "params"})
MAX_SUBJECT_ID_LENGTH = 200


class DevRoutes:
    def __init__(self, context: SandboxContext) -> None:
        self._context = context
        self._clock = context.clock

    def register(self, router: Router) -> None:
        router.add("GET", "/dev/health", self.health)
        router.add("GET", "/.well-known/jwks.json", self.jwks)
        router.add("POST", "/dev/token", self.token)
        router.add("GET", "/dev/clock", self.read_clock)
        router.add("POST", "/dev/clock", self.advance_clock)
        router.add("POST", "/dev/tick", self.tick)
        router.add("POST", "/dev/drain", self.drain)
        router.add("POST", "/dev/transitions", self.fire_transition)
        router.add("GET", "/dev/outbox", self.outbox)
        router.add("GET", "/dev/resources", self.resources)

    def health(self, request: Request) -> dict[str, Any]:
        return {"status": "ok"}

    def jwks(self, request: Request) -> dict[str, Any]:
        return self._context.issuer.jwks()

    def token(self, request: Request) -> dict[str, Any]:
        body = request.json_object()
        unknown = sorted(set(body) - _TOKEN_FIELDS)
        if unknown:
            raise bad_request("unknown fields", {"unknown": unknown})
        email = _email(body.get("email"))
        admin = body.get("admin", False)
        if not isinstance(admin, bool):
            raise bad_request("admin must be true or false", {"field": "admin"})
        name = body.get("name")
        if name is not None and (not isinstance(name, str) or not 0 < len(name.strip()) <= 100):
            raise bad_request("name must be a string of 1-100 characters", {"field": "name"})
        expires_in = body.get("expires_in", DEFAULT_TTL_SECONDS)
        if (
            isinstance(expires_in, bool)
            or not isinstance(expires_in, int)
            or not 0 < expires_in <= MAX_TOKEN_TTL_SECONDS
        ):
            raise bad_request(
                f"expires_in must be whole seconds, 1-{MAX_TOKEN_TTL_SECONDS}",
                {"field": "expires_in"},
            )
        minted = self._context.issuer.mint(email, name.strip() if name else None, expires_in)
        answer: dict[str, Any] = {
            "token": minted.token,
            "token_type": "Bearer",
            "subject": minted.subject,
            "expires_at": minted.claims["exp"],
        }
        if admin:
            answer["user"] = self._provision_admin(minted.subject, email, minted.claims["name"])
        return answer

    def _provision_admin(self, subject: str, email: str, name: str) -> dict[str, Any]:
        # The dev tool acts as the operator: it grants the role an admin would grant.
        from chalicelib.models import user as users

        # The dev issuer marks every email verified (devstack/issuer.py).
        user = users.provision(
            self._context.issuer.issuer, subject, email, name, email_verified=True
        )
        user = users.add_role(user, "admin")
        return {"id": user.id, "email": user.email, "roles": list(user.roles)}

    def read_clock(self, request: Request) -> dict[str, Any]:
        _require_local_stage()
        return self._clock.read().as_dict()

    def advance_clock(self, request: Request) -> dict[str, Any]:
        _require_local_stage()
        body = request.json_object()
        seconds = body.get("advance_seconds")
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, int | float)
            or not math.isfinite(seconds)
            or not 0 < seconds <= MAX_CLOCK_STEP_SECONDS
        ):
            raise bad_request(
                f"advance_seconds must be a number of seconds, > 0 and <= {MAX_CLOCK_STEP_SECONDS}",
                {"field": "advance_seconds"},
            )
        return self._clock.advance(float(seconds)).as_dict()

    def tick(self, request: Request) -> dict[str, Any]:
        _require_local_stage()
        request.json_object(required=False)
        result = self._context.pump.run_schedules_now()
        self._wait_drained()
        return {"ran": result.ran, "results": result.results, "drained": True}

    def drain(self, request: Request) -> dict[str, Any]:
        _require_local_stage()
        request.json_object(required=False)
        self._wait_drained()
        return {"drained": True, "dead_letters": self._context.pump.dead_letter_counts()}

    def _wait_drained(self) -> None:
        if not self._context.pump.wait_drained(DRAIN_TIMEOUT_SECONDS):
            raise HttpError(
                504,
                "DRAIN_TIMEOUT",
                f"queues were not drained within {DRAIN_TIMEOUT_SECONDS:.0f} s",
                {"dead_letters": self._context.pump.dead_letter_counts()},
            )

    def fire_transition(self, request: Request) -> dict[str, Any]:
        """A system transition (a payment provider's `payment_succeeded`, a timer's `expire`)
        fired now, in this process: it runs app code with the API's settings and the platform
        clock, as the pump's handlers do. 200 with the subject as the API shows it."""
        _require_local_stage()
        subject_type, subject_id, name, params = _transition_request(request.json_object())
        from chalicelib.errors import DomainError
        from chalicelib.handlers.subject_views import subject_json
        from chalicelib.usecases import bookings, transitions

        try:
            if subject_type == "booking" and name == "payment_succeeded":
                # As the payments capability will: a day confirmed meanwhile for another
                # booking of the talent makes this one `slot_taken` (cancelled, refunded).
                unknown = sorted(set(params) - {"payment_id"})
                if unknown:
                    raise bad_request(
                        "invalid parameters for payment_succeeded",
                        {
                            "problems": [
                                f"{n} is not a parameter of payment_succeeded" for n in unknown
                            ]
                        },
                    )
                payment_id = params.get("payment_id")
                if payment_id is not None and not isinstance(payment_id, str):
                    raise bad_request(
                        "invalid parameters for payment_succeeded",
                        {"problems": ["payment_id must be a string"]},
                    )
                outcome = bookings.confirm_payment(subject_id, payment_id)
            else:
                outcome = transitions.apply(
                    subject_type, subject_id, name, transitions.SYSTEM, params
                )
        except DomainError as error:
            raise HttpError(error.status, error.code, error.message, error.details) from error
        answer = subject_json(outcome.subject)
        answer["fired"] = {"transition": outcome.event.transition, "event_id": outcome.event.id}
        return answer

    def outbox(self, request: Request) -> dict[str, Any]:
        return {"items": self._context.emulator.sent_emails()}

    def resources(self, request: Request) -> dict[str, Any]:
        return {
            "aws_endpoint_url": self._context.emulator.endpoint_url,
            "api_url": self._context.api_url,
            "sandbox_url": self._context.sandbox_url,
            **self._context.resources,
        }


def _email(value: Any) -> str:
    if not isinstance(value, str) or len(value) > 254 or not _EMAIL.match(value.strip()):
        raise bad_request("email must be an email address", {"field": "email"})
    return value.strip().lower()


def _transition_request(body: dict[str, Any]) -> tuple[str, str, str, dict[str, Any]]:
    from chalicelib.domain import process_definitions

    unknown = sorted(set(body) - _TRANSITION_FIELDS)
    if unknown:
        raise bad_request("unknown fields", {"unknown": unknown})
    subject_type = body.get("subject_type")
    if subject_type not in process_definitions.CURRENT:
        raise bad_request(
            "subject_type must be one of " + ", ".join(sorted(process_definitions.CURRENT)),
            {"field": "subject_type"},
        )
    subject_id = body.get("subject_id")
    if not isinstance(subject_id, str) or not 0 < len(subject_id) <= MAX_SUBJECT_ID_LENGTH:
        raise bad_request("subject_id must be a subject's id", {"field": "subject_id"})
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise bad_request("name must be a transition's name", {"field": "name"})
    params = body.get("params")
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise bad_request("params must be a JSON object", {"field": "params"})
    return str(subject_type), subject_id, name, params


def _require_local_stage() -> None:
    from chalicelib.settings import get_settings

    stage = get_settings().stage
    if stage != "local":
        raise HttpError(403, "FORBIDDEN", f"only on the local stage (this is {stage!r})")


def register(router: Router, context: SandboxContext) -> None:
    DevRoutes(context).register(router)
