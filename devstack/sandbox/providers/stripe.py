"""Stripe's REST API as the sandbox plays it, under `/stripe/v1/...` (STRIPE_API_BASE =
<sandbox>/stripe): form-encoded requests with bracket notation, Bearer auth with the secret
key, Idempotency-Key replays, Stripe's error shape and object shapes (PaymentIntents with
their charges, refunds, transfers and reversals, Express accounts and account links).

Levers: `POST /stripe/payments/{pi}/complete` and `/fail` move a PaymentIntent as a card
payment would and deliver `payment_intent.succeeded` / `payment_intent.payment_failed` to
the API's webhook, signed as Stripe signs (with the real time, as Stripe does). An account
link's URL, opened, finishes onboarding, sends `account.updated` and redirects to
`return_url` (or to `refresh_url` once used or expired)."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import re
import secrets
import string
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from devstack.sandbox.http import HttpError, Request, Response, Router
from devstack.sandbox.providers import SANDBOX_SECRETS

PREFIX = "/stripe"
WEBHOOK_PATH = "/v1/payments/webhook/stripe"
API_VERSION = "2025-06-30.basil"
CALLBACK_TIMEOUT_SECONDS = 5
ACCOUNT_LINK_TTL_SECONDS = 300
# Stripe's minimum charge per currency, in minor units.
MINIMUM_AMOUNTS = {"usd": 50, "eur": 50, "gbp": 30, "cad": 50, "aud": 50, "chf": 50, "aed": 200}
CANCELLABLE = (
    "requires_payment_method",
    "requires_capture",
    "requires_confirmation",
    "requires_action",
    "processing",
)
PAYABLE = frozenset(CANCELLABLE) - {"requires_capture"}
_ALPHANUMERIC = string.ascii_letters + string.digits
_KEY = re.compile(r"([^\[\]]+)((?:\[[^\[\]]*\])*)")
_ACCOUNT_ID = re.compile(r"acct_[A-Za-z0-9]+")
_COUNTRY = re.compile(r"[A-Z]{2}")

Params = dict[str, Any]
ApiHandler = Callable[[Request, Params], tuple[int, dict[str, Any]]]

# What each POST accepts: anything else is Stripe's parameter_unknown.
ALLOWED = {
    endpoint: frozenset(names.split())
    for endpoint, names in {
        "payment_intent": "amount currency description metadata transfer_group expand "
        "automatic_payment_methods payment_method_types receipt_email "
        "statement_descriptor_suffix",
        "cancel": "cancellation_reason expand",
        "refund": "payment_intent charge amount metadata reason expand",
        "transfer": "amount currency destination transfer_group source_transaction metadata "
        "description expand",
        "reversal": "amount metadata description refund_application_fee expand",
        "account": "type email country capabilities business_type business_profile metadata "
        "tos_acceptance default_currency expand",
        "account_link": "account refresh_url return_url type collect expand",
    }.items()
}


class StripeApiError(Exception):
    """An error in Stripe's own shape: {"error": {"type", "message", "code"?, "param"?}}."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        kind: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"type": kind, "message": message}
        if code:
            self.body["code"] = code
            self.body["doc_url"] = f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}"
        if param:
            self.body["param"] = param


def _missing(kind: str, object_id: str, param: str) -> StripeApiError:
    return StripeApiError(
        404, f"No such {kind}: '{object_id}'", code="resource_missing", param=param
    )


class StripeSandbox:
    def __init__(self, context: Any) -> None:
        self._webhook_url = f"{context.api_url}{WEBHOOK_PATH}"
        self._sandbox_url = context.sandbox_url
        self._secret_key = SANDBOX_SECRETS["STRIPE_SECRET_KEY"]
        self._webhook_secret = SANDBOX_SECRETS["STRIPE_WEBHOOK_SECRET"]
        self._lock = threading.Lock()
        self._objects: dict[str, dict[str, Any]] = {}
        self._link_tokens: dict[str, dict[str, Any]] = {}
        # (api key, Idempotency-Key) -> (method and path, params, status, body)
        self._replays: dict[tuple[str, str], tuple[str, Params, int, dict[str, Any]]] = {}

    def register(self, router: Router) -> None:
        api: list[tuple[str, str, ApiHandler]] = [
            ("POST", "/v1/payment_intents", self.create_intent),
            ("GET", "/v1/payment_intents/{id}", self.retrieve_intent),
            ("POST", "/v1/payment_intents/{id}/cancel", self.cancel_intent),
            ("POST", "/v1/refunds", self.create_refund),
            ("POST", "/v1/transfers", self.create_transfer),
            ("POST", "/v1/transfers/{id}/reversals", self.create_reversal),
            ("POST", "/v1/accounts", self.create_account),
            ("GET", "/v1/accounts/{id}", self.retrieve_account),
            ("POST", "/v1/account_links", self.create_account_link),
        ]
        for method, path, handler in api:
            router.add(method, f"{PREFIX}{path}", self._api(handler))
        router.add("POST", f"{PREFIX}/payments/{{ref}}/complete", self.complete)
        router.add("POST", f"{PREFIX}/payments/{{ref}}/fail", self.fail)
        router.add("GET", f"{PREFIX}/setup/e/{{account}}/{{token}}", self.open_account_link)

    # -- the API's envelope: auth, params, idempotency, errors -----------------------------

    def _api(self, handler: ApiHandler) -> Callable[[Request], Response]:
        def serve(request: Request) -> Response:
            headers = {"Request-Id": _new_id("req_"), "Stripe-Version": API_VERSION}
            try:
                api_key = self._authenticate(request)
                params = _params(request)
                replay_key = request.headers.get("idempotency-key")
                with self._lock:
                    if request.method == "POST" and replay_key:
                        replayed = self._replay((api_key, replay_key), request, params)
                        if replayed is not None:
                            return Response(
                                replayed[1], replayed[0], {**headers, "Idempotent-Replayed": "true"}
                            )
                    status, body = handler(request, params)
                    if request.method == "POST" and replay_key:
                        signature = f"{request.method} {request.path}"
                        self._replays[(api_key, replay_key)] = (signature, params, status, body)
                return Response(body, status, headers)
            except StripeApiError as error:
                return Response({"error": error.body}, error.status, headers)

        return serve

    def _authenticate(self, request: Request) -> str:
        authorization = request.headers.get("authorization", "")
        scheme, _, credential = authorization.partition(" ")
        if scheme.lower() == "basic":
            # Stripe also takes the key as the Basic username (curl -u sk_...:).
            try:
                credential = base64.b64decode(credential).decode().partition(":")[0]
            except ValueError:
                credential = ""
        elif scheme.lower() != "bearer":
            credential = ""
        if not credential:
            raise StripeApiError(
                401,
                "You did not provide an API key. You need to provide your API key in the "
                "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
                "YOUR_SECRET_KEY').",
            )
        if not hmac.compare_digest(credential.encode(), self._secret_key.encode()):
            raise StripeApiError(401, f"Invalid API Key provided: {credential[:8]}****")
        return credential

    def _replay(
        self, key: tuple[str, str], request: Request, params: Params
    ) -> tuple[int, dict[str, Any]] | None:
        stored = self._replays.get(key)
        if stored is None:
            return None
        signature, first_params, status, body = stored
        if signature != f"{request.method} {request.path}" or first_params != params:
            raise StripeApiError(
                400,
                "Keys for idempotent requests can only be used with the same parameters they "
                f"were first used with. Try using a key other than '{key[1]}' if you meant to "
                "execute a different request.",
                kind="idempotency_error",
            )
        return status, body

    # -- PaymentIntents --------------------------------------------------------------------

    def create_intent(self, request: Request, params: Params) -> tuple[int, dict[str, Any]]:
        _only(params, "payment_intent")
        amount = _required_amount(params)
        currency = _currency(params)
        minimum = MINIMUM_AMOUNTS.get(currency, 1)
        if amount < minimum:
            raise StripeApiError(
                400,
                f"Amount must be at least {minimum} {currency} (minor units)",
                code="amount_too_small",
                param="amount",
            )
        automatic = params.get("automatic_payment_methods")
        enabled = (
            _bool(automatic.get("enabled"), "automatic_payment_methods[enabled]")
            if (isinstance(automatic, dict))
            else True
        )
        intent_id = _new_id("pi_")
        intent: dict[str, Any] = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_capturable": 0,
            "amount_received": 0,
            "application": None,
            "application_fee_amount": None,
            "automatic_payment_methods": {"allow_redirects": "always", "enabled": True}
            if enabled
            else None,
            "canceled_at": None,
            "cancellation_reason": None,
            "capture_method": "automatic_async",
            "client_secret": f"{intent_id}_secret_{_random(25)}",
            "confirmation_method": "automatic",
            "created": int(time.time()),
            "currency": currency,
            "customer": None,
            "description": _optional_str(params, "description"),
            "last_payment_error": None,
            "latest_charge": None,
            "livemode": False,
            "metadata": _metadata(params),
            "next_action": None,
            "on_behalf_of": None,
            "payment_method": None,
            "payment_method_types": params.get("payment_method_types") or ["card"],
            "processing": None,
            "receipt_email": _optional_str(params, "receipt_email"),
            "status": "requires_payment_method",
            "transfer_data": None,
            "transfer_group": _optional_str(params, "transfer_group"),
        }
        self._objects[intent_id] = intent
        return 200, self._render_intent(intent, params)

    def retrieve_intent(self, request: Request, params: Params) -> tuple[int, dict[str, Any]]:
        return 200, self._render_intent(self._intent(request.params["id"]), params)

    def cancel_intent(self, request: Request, params: Params) -> tuple[int, dict[str, Any]]:
        _only(params, "cancel")
        intent = self._intent(request.params["id"])
        if intent["status"] not in CANCELLABLE:
            raise StripeApiError(
                400,
                "You cannot cancel this PaymentIntent because it has a status of "
                f"{intent['status']}. Only a PaymentIntent with one of the following statuses "
                f"may be canceled: {', '.join(CANCELLABLE)}.",
                code="payment_intent_unexpected_state",
            )
        intent.update(
            status="canceled",
            canceled_at=int(time.time()),
            cancellation_reason=_optional_str(params, "cancellation_reason"),
        )
        return 200, self._render_intent(intent, params)

    def _intent(self, intent_id: str) -> dict[str, Any]:
        found = self._objects.get(intent_id)
        if found is None or found["object"] != "payment_intent":
            raise _missing("payment_intent", intent_id, "intent")
        return found

    def _render_intent(self, intent: dict[str, Any], params: Params) -> dict[str, Any]:
        rendered = copy.deepcopy(intent)
        expand = params.get("expand")
        if isinstance(expand, list) and "latest_charge" in expand and intent["latest_charge"]:
            rendered["latest_charge"] = copy.deepcopy(self._objects[intent["latest_charge"]])
        return rendered

    # -- refunds ---------------------------------------------------------------------------

    def create_refund(self, request: Request, params: Params) -> tuple[int, dict[str, Any]]:
        _only(params, "refund")
        charge = self._refundable_charge(params)
        remaining = charge["amount_captured"] - charge["amount_refunded"]
        if remaining <= 0:
            raise StripeApiError(
                400,
                f"Charge {charge['id']} has already been refunded.",
                code="charge_already_refunded",
            )
        amount = _optional_amount(params)
        amount = remaining if amount is None else amount
        if amount > remaining:
            raise StripeApiError(
                400,
                f"Refund amount ({amount} {charge['currency']}) is greater than unrefunded "
                f"amount on charge ({remaining} {charge['currency']})",
                param="amount",
            )
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] >= charge["amount_captured"]
        refund_id = _new_id("re_")
        refund = {
            "id": refund_id,
            "object": "refund",
            "amount": amount,
            "balance_transaction": _new_id("txn_"),
            "charge": charge["id"],
            "created": int(time.time()),
            "currency": charge["currency"],
            "metadata": _metadata(params),
            "payment_intent": charge["payment_intent"],
            "reason": _optional_str(params, "reason"),
            "receipt_number": None,
            "source_transfer_reversal": None,
            "status": "succeeded",
            "transfer_reversal": None,
        }
        self._objects[refund_id] = refund
        return 200, copy.deepcopy(refund)

    def _refundable_charge(self, params: Params) -> dict[str, Any]:
        intent_id, charge_id = params.get("payment_intent"), params.get("charge")
        if intent_id is None and charge_id is None:
            raise StripeApiError(
                400,
                "One of the following params should be provided for this request: "
                "payment_intent or charge.",
                code="parameter_missing",
            )
        if isinstance(intent_id, str):
            intent = self._intent(intent_id)
            charge_id = intent["latest_charge"] if intent["status"] == "succeeded" else None
            if charge_id is None:
                raise StripeApiError(
                    400,
                    f"This PaymentIntent ({intent_id}) does not have a successful charge to "
                    "refund.",
                    param="payment_intent",
                )
        charge = self._objects.get(str(charge_id))
        if charge is None or charge["object"] != "charge":
            raise _missing("charge", str(charge_id), "charge")
        if charge["status"] != "succeeded":
            raise StripeApiError(400, f"Charge {charge_id} has not succeeded.", param="charge")
        return charge

    # -- transfers and reversals -----------------------------------------------------------

    def create_transfer(self, request: Request, params: Params) -> tuple[int, dict[str, Any]]:
        _only(params, "transfer")
        amount = _required_amount(params)
        currency = _currency(params)
        destination = _required_str(params, "destination")
        if not _ACCOUNT_ID.fullmatch(destination):
            raise _missing("destination", destination, "destination")
        source = _optional_str(params, "source_transaction")
        if source is not None:
            charge = self._objects.get(source)
            if charge is None or charge["object"] != "charge" or charge["status"] != "succeeded":
                raise _missing("charge", source, "source_transaction")
            if charge["currency"] != currency:
                raise StripeApiError(
                    400,
                    "The currency of source_transaction's balance transaction "
                    f"({charge['currency']}) must be the same as the transfer currency "
                    f"({currency}).",
                    param="currency",
                )
        transfer_id = _new_id("tr_")
        transfer = {
            "id": transfer_id,
            "object": "transfer",
            "amount": amount,
            "amount_reversed": 0,
            "balance_transaction": _new_id("txn_"),
            "created": int(time.time()),
            "currency": currency,
            "description": _optional_str(params, "description"),
            "destination": destination,
            "destination_payment": _new_id("py_"),
            "livemode": False,
            "metadata": _metadata(params),
            "reversals": {
                "object": "list",
                "data": [],
                "has_more": False,
                "total_count": 0,
                "url": f"/v1/transfers/{transfer_id}/reversals",
            },
            "reversed": False,
            "source_transaction": source,
            "source_type": "card",
            "transfer_group": _optional_str(params, "transfer_group"),
        }
        self._objects[transfer_id] = transfer
        return 200, copy.deepcopy(transfer)

    def create_reversal(self, request: Request, params: Params) -> tuple[int, dict[str, Any]]:
        _only(params, "reversal")
        transfer_id = request.params["id"]
        transfer = self._objects.get(transfer_id)
        if transfer is None or transfer["object"] != "transfer":
            raise _missing("transfer", transfer_id, "id")
        remaining = transfer["amount"] - transfer["amount_reversed"]
        amount = _optional_amount(params)
        amount = remaining if amount is None else amount
        if remaining <= 0 or amount > remaining:
            raise StripeApiError(
                400,
                f"Transfer {transfer_id} has {remaining} {transfer['currency']} left to "
                f"reverse; {amount} was requested.",
                param="amount",
            )
        reversal = {
            "id": _new_id("trr_"),
            "object": "transfer_reversal",
            "amount": amount,
            "balance_transaction": _new_id("txn_"),
            "created": int(time.time()),
            "currency": transfer["currency"],
            "destination_payment_refund": _new_id("pyr_"),
            "metadata": _metadata(params),
            "source_refund": None,
            "transfer": transfer_id,
        }
        transfer["amount_reversed"] += amount
        transfer["reversed"] = transfer["amount_reversed"] >= transfer["amount"]
        transfer["reversals"]["data"].insert(0, reversal)
        transfer["reversals"]["total_count"] += 1
        return 200, copy.deepcopy(reversal)

    # -- Express accounts and onboarding ---------------------------------------------------

    def create_account(self, request: Request, params: Params) -> tuple[int, dict[str, Any]]:
        _only(params, "account")
        kind = _optional_str(params, "type") or "standard"
        if kind not in {"express", "standard", "custom"}:
            raise StripeApiError(400, f"Invalid type: {kind}", param="type")
        country = (_optional_str(params, "country") or "US").upper()
        if not _COUNTRY.fullmatch(country):
            raise StripeApiError(400, f"Country '{country}' is unknown.", param="country")
        requested = params.get("capabilities")
        if kind == "express" and not requested:
            raise StripeApiError(
                400,
                "You must request at least one capability (e.g. transfers) when creating an "
                "Express account.",
                param="capabilities",
            )
        account_id = _new_id("acct_")
        account = {
            "id": account_id,
            "object": "account",
            "business_type": _optional_str(params, "business_type"),
            "capabilities": {name: "inactive" for name in (requested or {})},
            "charges_enabled": False,
            "country": country,
            "created": int(time.time()),
            "default_currency": _optional_str(params, "default_currency") or "usd",
            "details_submitted": False,
            "email": _optional_str(params, "email"),
            "metadata": _metadata(params),
            "payouts_enabled": False,
            "requirements": {"currently_due": ["external_account", "tos_acceptance.date"]},
            "type": kind,
        }
        self._objects[account_id] = account
        return 200, copy.deepcopy(account)

    def retrieve_account(self, request: Request, params: Params) -> tuple[int, dict[str, Any]]:
        return 200, copy.deepcopy(self._account(request.params["id"]))

    def create_account_link(self, request: Request, params: Params) -> tuple[int, dict[str, Any]]:
        _only(params, "account_link")
        account_id = _required_str(params, "account")
        account = self._account(account_id)
        link_type = _required_str(params, "type")
        if link_type not in {"account_onboarding", "account_update"}:
            raise StripeApiError(400, f"Invalid type: {link_type}", param="type")
        refresh_url = _required_str(params, "refresh_url")
        return_url = _required_str(params, "return_url")
        token = _random(12)
        created = int(time.time())
        self._link_tokens[token] = {
            "account": account["id"],
            "refresh_url": refresh_url,
            "return_url": return_url,
            "expires_at": created + ACCOUNT_LINK_TTL_SECONDS,
            "used": False,
        }
        return 200, {
            "object": "account_link",
            "created": created,
            "expires_at": created + ACCOUNT_LINK_TTL_SECONDS,
            "url": f"{self._sandbox_url}{PREFIX}/setup/e/{account['id']}/{token}",
        }

    def _account(self, account_id: str) -> dict[str, Any]:
        found = self._objects.get(account_id)
        if found is None or found["object"] != "account":
            raise _missing("account", account_id, "account")
        return found

    def open_account_link(self, request: Request) -> Response:
        """The talent finishing Stripe's onboarding form, in one visit."""
        with self._lock:
            link = self._link_tokens.get(request.params["token"])
            if link is None or link["account"] != request.params["account"]:
                raise HttpError(404, "NOT_FOUND", "no such account link")
            if link["used"] or link["expires_at"] < time.time():
                return Response(
                    {"redirect": link["refresh_url"]}, 302, {"Location": link["refresh_url"]}
                )
            link["used"] = True
            account = self._objects[link["account"]]
            account.update(
                charges_enabled=True,
                payouts_enabled=True,
                details_submitted=True,
                requirements={"currently_due": []},
                capabilities={name: "active" for name in account["capabilities"]},
            )
            snapshot = copy.deepcopy(account)
        callback = self._deliver("account.updated", snapshot)
        return Response(
            {"redirect": link["return_url"], "callback": callback},
            302,
            {"Location": link["return_url"]},
        )

    # -- levers: a payer paying or failing, and Stripe's webhook ---------------------------

    def complete(self, request: Request) -> dict[str, Any]:
        return self._settle(request.params["ref"], succeeded=True)

    def fail(self, request: Request) -> dict[str, Any]:
        return self._settle(request.params["ref"], succeeded=False)

    def _settle(self, intent_id: str, *, succeeded: bool) -> dict[str, Any]:
        with self._lock:
            intent = self._objects.get(intent_id)
            if intent is None or intent["object"] != "payment_intent":
                raise HttpError(404, "NOT_FOUND", f"no PaymentIntent {intent_id}")
            if intent["status"] not in PAYABLE:
                raise HttpError(409, "CONFLICT", f"PaymentIntent {intent_id} is {intent['status']}")
            charge = self._charge(intent, succeeded=succeeded)
            payment_method = _new_id("pm_")
            if succeeded:
                intent.update(
                    status="succeeded",
                    amount_received=intent["amount"],
                    latest_charge=charge["id"],
                    payment_method=payment_method,
                    last_payment_error=None,
                )
            else:
                intent.update(
                    status="requires_payment_method",
                    latest_charge=charge["id"],
                    payment_method=None,
                    last_payment_error={
                        "charge": charge["id"],
                        "code": "card_declined",
                        "decline_code": "generic_decline",
                        "doc_url": "https://stripe.com/docs/error-codes/card-declined",
                        "message": "Your card was declined.",
                        "payment_method": {"id": payment_method, "object": "payment_method"},
                        "type": "card_error",
                    },
                )
            snapshot = copy.deepcopy(intent)
        kind = "payment_intent.succeeded" if succeeded else "payment_intent.payment_failed"
        return {
            "provider_ref": intent_id,
            "status": snapshot["status"],
            "callback": self._deliver(kind, snapshot),
        }

    def _charge(self, intent: dict[str, Any], *, succeeded: bool) -> dict[str, Any]:
        charge_id = _new_id("ch_")
        charge = {
            "id": charge_id,
            "object": "charge",
            "amount": intent["amount"],
            "amount_captured": intent["amount"] if succeeded else 0,
            "amount_refunded": 0,
            "balance_transaction": _new_id("txn_") if succeeded else None,
            "captured": succeeded,
            "created": int(time.time()),
            "currency": intent["currency"],
            "failure_code": None if succeeded else "card_declined",
            "failure_message": None if succeeded else "Your card was declined.",
            "metadata": dict(intent["metadata"]),
            "paid": succeeded,
            "payment_intent": intent["id"],
            "refunded": False,
            "status": "succeeded" if succeeded else "failed",
            "transfer_group": intent["transfer_group"],
        }
        self._objects[charge_id] = charge
        return charge

    def _deliver(self, kind: str, obj: dict[str, Any]) -> dict[str, Any]:
        """POST a signed Event to the API's webhook; a failure is reported, never raised."""
        import requests

        event = {
            "id": _new_id("evt_"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "data": {"object": obj},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": kind,
        }
        payload = json.dumps(event, indent=2)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            "Stripe-Signature": sign(payload, self._webhook_secret, int(time.time())),
        }
        try:
            answer = requests.post(
                self._webhook_url,
                data=payload.encode(),
                headers=headers,
                timeout=CALLBACK_TIMEOUT_SECONDS,
            )
        except requests.RequestException as error:
            return {"url": self._webhook_url, "status_code": None, "error": str(error)}
        return {"url": self._webhook_url, "status_code": answer.status_code}


def sign(payload: str, secret: str, timestamp: int) -> str:
    """Stripe's scheme: v1 = hex HMAC-SHA256 over "{t}.{payload}" with the endpoint secret."""
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


# -- params: Stripe's bracket notation, and its validation messages ------------------------


def _params(request: Request) -> Params:
    if request.method == "GET":
        return _unflatten(request.query)
    content_type = request.headers.get("content-type", "")
    if "application/x-www-form-urlencoded" not in content_type or not request.body:
        # Stripe reads only form bodies: anything else arrives as no parameters at all.
        return {}
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError:
        raise StripeApiError(400, "Invalid request body: not UTF-8.") from None
    return _unflatten(parse_qs(text, keep_blank_values=True))


def _unflatten(flat: dict[str, list[str]]) -> Params:
    root: Params = {}
    for key, values in flat.items():
        match = _KEY.fullmatch(key)
        if match is None:
            raise StripeApiError(400, f"Invalid parameter name: {key}", param=key)
        path = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
        node = root
        for part in path[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise StripeApiError(400, f"Invalid hash: {key}", param=key)
            node = child
        if path[-1] == "":
            for value in values:
                node[str(len(node))] = value
        else:
            node[path[-1]] = values[-1]
    return _listify(root)


def _listify(node: Params) -> Params:
    """Hashes keyed 0..n (from `expand[0]=` or `expand[]=`) are Stripe's arrays."""
    for key, value in node.items():
        if isinstance(value, dict):
            inner = _listify(value)
            if inner and all(part.isdigit() for part in inner):
                node[key] = [inner[part] for part in sorted(inner, key=int)]
            else:
                node[key] = inner
    return node


def _only(params: Params, endpoint: str) -> None:
    unknown = sorted(set(params) - ALLOWED[endpoint])
    if unknown:
        raise StripeApiError(
            400,
            f"Received unknown parameter: {unknown[0]}",
            code="parameter_unknown",
            param=unknown[0],
        )


def _required_str(params: Params, name: str) -> str:
    value = params.get(name)
    if value is None or value == "":
        raise StripeApiError(
            400, f"Missing required param: {name}.", code="parameter_missing", param=name
        )
    if not isinstance(value, str):
        raise StripeApiError(400, f"Invalid string: {value}", param=name)
    return value


def _optional_str(params: Params, name: str) -> str | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise StripeApiError(400, f"Invalid string: {value}", param=name)
    return value


def _optional_amount(params: Params) -> int | None:
    return None if params.get("amount") in (None, "") else _required_amount(params)


def _required_amount(params: Params) -> int:
    text = _required_str(params, "amount")
    if not text.isdigit():
        raise StripeApiError(
            400, f"Invalid integer: {text}", code="parameter_invalid_integer", param="amount"
        )
    if int(text) <= 0:
        raise StripeApiError(400, "This value must be greater than or equal to 1.", param="amount")
    return int(text)


def _currency(params: Params) -> str:
    currency = _required_str(params, "currency").lower()
    if not re.fullmatch(r"[a-z]{3}", currency):
        raise StripeApiError(400, f"Invalid currency: {currency}.", param="currency")
    return currency


def _bool(value: Any, name: str) -> bool:
    if value not in ("true", "false"):
        raise StripeApiError(400, f"Invalid boolean: {value}", param=name)
    return bool(value == "true")


def _metadata(params: Params) -> dict[str, str]:
    metadata = params.get("metadata")
    if metadata in (None, ""):
        return {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise StripeApiError(400, "Invalid hash", param="metadata")
    return dict(metadata)


def _random(length: int) -> str:
    return "".join(secrets.choice(_ALPHANUMERIC) for _ in range(length))


def _new_id(prefix: str) -> str:
    return f"{prefix}{_random(24)}"


def register(router: Router, context: Any) -> None:
    StripeSandbox(context).register(router)
