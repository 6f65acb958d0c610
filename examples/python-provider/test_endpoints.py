"""The two test endpoints the contract verifier drives (only with ``--test-endpoints``; never in
production): provider states (docs/provider-states.md) and webhook messages
(docs/guides/implementing-the-api.md §2).

A payment-session state is brought about by the lifecycle's own steps — create, confirm, pay,
cancel, fail, expire — run a few minutes before the clock, so its statuses, instants and webhooks
are the ones the API itself would produce.
"""

from __future__ import annotations

import base64
import json
import uuid

import lifecycle
import refunds
import wire
from lifecycle import MINUTE, Refused
from store import acting_for

STATUSES = (
    "REQUIRE_PAYMENT_METHOD",
    "REQUIRE_CONFIRMATION",
    "REQUIRE_ACTION",
    "ACTIVE",
    "PROCESSING",
    "PAID",
    "CANCELLED",
    "EXPIRED",
    "INACTIVE",
)


class StateError(Exception):
    """A provider state this implementation cannot set up: answered 400 with the reason."""


class TestEndpoints:
    def __init__(self, store, api) -> None:
        self.store = store
        self.api = api
        # Per interaction (reset by "the clock reads"): the merchant the following states belong to,
        # and the session the last payment-session state made (the one a message is about).
        self.merchant = None
        self.session_id = None

    # ---- POST /_pact/provider-states ---------------------------------------------------------

    def provider_state(self, body) -> tuple[int, dict]:
        if not isinstance(body, dict) or not isinstance(body.get("state"), str):
            return 400, {"error": 'expected {"state": name, "params": {…}, "action": "setup" | "teardown"}'}
        if body.get("action", "setup") == "teardown":
            return 200, {}
        name, params = body["state"], body.get("params") or {}
        try:
            with self.store.lock:
                return 200, self.setup(name, params)
        except (StateError, Refused) as error:
            reason = error.message if isinstance(error, Refused) else str(error)
            detail = f": {error.details}" if isinstance(error, Refused) and error.details else ""
            return 400, {"error": f"cannot set up {name!r} with {json.dumps(params)}: {reason}{detail}"}

    def setup(self, name: str, params: dict) -> dict:
        if name == "the clock reads":
            now = wire.parse_instant(params.get("now"))
            if now is None:
                raise StateError("now must be an ISO-8601 instant with an offset")
            self.store.clock.set(now)
            self.merchant = self.session_id = None  # a new interaction starts
            return {}
        if name == "the clock moves on":  # time passes within the interaction: nothing is reset
            now = wire.parse_instant(params.get("now"))
            if now is None or now < self.store.clock.now():
                raise StateError("now must be an ISO-8601 instant with an offset, not earlier than the clock")
            self.store.clock.set(now)
            return {}
        if name == "a merchant with credentials exists":
            merchant_id, secret = params.get("merchantId"), params.get("merchantSecret")
            if not merchant_id or not secret:
                raise StateError("merchantId and merchantSecret are required")
            self.store.reset_merchant(merchant_id, secret, params.get("callbackApiKey"), params.get("callbackUrl"))
            self.merchant = self.store.merchants[merchant_id]
            return {"accessToken": self.store.issue_token(merchant_id, secret)}
        if name == "card sessions use the published test key":
            lifecycle.load_published_card_key()
            return {}
        if name == "no payment session exists":
            self.store.delete_session(str(params.get("id")))
            return {}
        if name == "no refund exists":
            self.store.delete_refund(str(params.get("id")))
            return {}
        if self.merchant is None:
            raise StateError("set up 'a merchant with credentials exists' first: the session belongs to it")
        if name == "a payment session exists":
            self.session_id = self.seed(params)
            return {"id": self.session_id}
        if name == "payment sessions exist with clientReferenceId":
            count = params.get("count")
            if not wire.is_int(count) or count < 1 or not params.get("clientReferenceId"):
                raise StateError("clientReferenceId and count ≥ 1 are required")
            for _ in range(count):
                self.seed({"status": "REQUIRE_PAYMENT_METHOD", **params})
            return {}
        if name == "a payment session was created with request id":
            status, answer = self.api.create_with_key(self.merchant, params.get("requestId"), params.get("request"))
            if status != 200:
                raise StateError(f"the create answered {status} {json.dumps(answer)}")
            self.session_id = answer["data"]["id"]
            return {"id": self.session_id}
        if name == "a simulation was accepted":  # exactly what POST /v2/payments/simulations runs
            if self.session_id is None:
                raise StateError("set up the session first: the simulation is for the session the previous state set up")
            body = {"paymentSessionId": self.session_id, "chargeStatus": params.get("chargeStatus")}
            status, answer = self.api.run_simulation(self.merchant, body)
            if status != 200:
                raise StateError(f"the simulation answered {status} {json.dumps(answer)}")
            return {}
        if name == "a refund exists":
            if self.session_id is None:
                raise StateError("set up 'a payment session exists' first: the refund is of that session")
            return {"refundId": self.seed_refund(params)}
        raise StateError("unknown provider state (docs/provider-states.md lists them)")

    def seed(self, params: dict) -> str:
        """``a payment session exists``: run the lifecycle into ``status`` (defaults as the catalogue says)."""
        status = params.get("status")
        if status not in STATUSES:
            raise StateError(f"status must be one of {', '.join(STATUSES)}")
        # S5: a sub-account's session belongs to the sub-account's owner id.
        owner = acting_for(self.merchant, params.get("submerchantId"))
        now = self.store.clock.now()
        multiple = params.get("paymentType", "MULTIPLE" if status in ("ACTIVE", "INACTIVE") else "SINGLE") == "MULTIPLE"
        kind = params.get("paymentMethodType", None if status == "REQUIRE_PAYMENT_METHOD" else "VIRTUAL_ACCOUNT")
        if status == "REQUIRE_PAYMENT_METHOD":
            kind = None
        reason = params.get("cancellationReason", "REQUESTED_BY_CUSTOMER" if status == "CANCELLED" else None)
        charge_status = params.get("chargeStatus")
        capture_method = params.get("captureMethod", "automatic")
        if status == "PROCESSING" and charge_status is None:
            charge_status = "WAITING_FOR_CAPTURE" if kind == "CARD" and capture_method == "manual" else "PROCESSING"

        if "expiryAt" in params:
            expiry = wire.parse_instant(params["expiryAt"])
            if expiry is None:
                raise StateError("expiryAt must be an ISO-8601 instant with an offset")
        elif status in ("EXPIRED", "INACTIVE"):
            expiry = now - MINUTE
        else:
            expiry = None if multiple else now + lifecycle.DEFAULT_EXPIRY
        if (expiry is not None and expiry <= now) != (status in ("EXPIRED", "INACTIVE")):
            raise StateError(f"a session in status {status} cannot have expiryAt {params.get('expiryAt')}")

        # The lifecycle runs a few minutes before the clock, one second per step, so that paidAt,
        # cancelledAt and the expiry of an ended session lie before "now".
        start = min(now, expiry - MINUTE if expiry is not None else now) - 5 * MINUTE
        steps = iter(range(start, now, 1000))

        request = {
            "clientReferenceId": params.get("clientReferenceId") or f"STATE-{uuid.uuid4().hex[:12]}",
            "mode": params.get("mode", "API"),
            "paymentType": "MULTIPLE" if multiple else "SINGLE",
            "autoConfirm": True if multiple else params.get("autoConfirm", status != "REQUIRE_CONFIRMATION"),
            "expiryAt": expiry,
        }
        if "amount" in params or not multiple:
            request["amount"] = {"value": params.get("amount", 20_000), "currency": "IDR"}
        if status == "CANCELLED" and reason != "CHARGE_FAILED":
            request["autoConfirm"] = False  # L3: the merchant cancels before a charge exists
        method = {"type": kind} if kind else None
        options = self.method_options(kind, params, capture_method)
        request["paymentMethod"], request["paymentMethodOptions"] = method, options
        session, webhooks = lifecycle.new_session(owner.merchant_id, request, next(steps))

        def step(operation, *args):
            webhooks.extend(operation(session, next(steps), *args))

        needs_charge = status in ("REQUIRE_ACTION", "PROCESSING", "PAID") or (status == "EXPIRED" and kind) or reason == "CHARGE_FAILED"
        if needs_charge and session["status"] == "REQUIRE_CONFIRMATION":
            step(lifecycle.confirm, method, options)
        if status == "ACTIVE":
            for _ in range(params.get("paymentsReceived", 0)):
                step(lifecycle.receive_payment, {"value": params.get("amount", 20_000), "currency": "IDR"}, str(uuid.uuid4()))
        elif status == "PROCESSING":
            if charge_status in ("WAITING_FOR_AUTHENTICATION", "PROCESSING"):
                step(lifecycle.customer_step, charge_status)
            elif charge_status == "WAITING_FOR_CAPTURE":
                step(lifecycle.authorize)
            else:
                raise StateError(f"a PROCESSING session's charge cannot be {charge_status}")
        elif status == "PAID":
            charge = lifecycle.latest_charge(session)
            if charge["method"] == "CARD" and charge["captureMethod"] == "manual":
                step(lifecycle.authorize)
                webhooks.extend(lifecycle.capture(session, next(steps), None)[0])
            else:
                step(lifecycle.receive_payment, charge["amount"], charge["id"])
        elif status == "CANCELLED":
            if reason == "CHARGE_FAILED":
                step(lifecycle.fail_charge, "DECLINED_BY_CHANNEL")
            elif reason in wire.CANCEL_REASONS:
                step(lifecycle.cancel, reason)
            else:
                raise StateError(f"no step of this implementation cancels a session with {reason}")

        self.store.add_session(session, webhooks)
        seeded = self.store.read(owner.merchant_id, session["id"])  # expires it now if due (L4)
        # (A deliberately defective server does not know it is wrong: it lets the contract find out.)
        if seeded["status"] != status and not lifecycle.DEFECTS:
            raise StateError(f"the lifecycle led to {seeded['status']}, not {status}")
        return session["id"]

    # The steps that bring a new (PENDING) refund to each status, by its method (R1).
    REFUND_PATHS = {
        "AUTO": {
            "PENDING": [],
            "WAITING_BANK_TRANSFER": ["channel_failed"],
            "SUCCESS": ["channel_succeeded"],
            "FAILED": ["fail"],
            "CANCELLED": ["channel_failed", "cancel"],
        },
        "TRANSFER_ONLY": {
            "PENDING": [],
            "WAITING_BANK_TRANSFER": ["transfer_started"],
            "SUCCESS": ["transfer_started", "transfer_succeeded"],
            "FAILED": ["transfer_started", "fail"],
            "CANCELLED": ["transfer_started", "cancel"],
        },
    }

    def seed_refund(self, params: dict) -> str:
        """``a refund exists``: made as ``POST /v1/refunds`` makes it, of the session the previous state
        set up, then taken to ``status`` by the refund machine's own steps, all at the clock. The
        sandbox then takes no step of its own (the contract pins the status)."""
        status, method = params.get("status"), params.get("method", "AUTO")
        if status not in wire.REFUND_STATUSES or method not in wire.REFUND_METHODS:
            raise StateError(f"status must be one of {', '.join(wire.REFUND_STATUSES)}; method AUTO or TRANSFER_ONLY")
        full = params.get("isFullAmount", False)
        body = {
            "clientReferenceId": params.get("clientReferenceId") or f"STATE-REFUND-{uuid.uuid4().hex[:12]}",
            "paymentSessionId": self.session_id,
            "isFullAmount": full,
            "reason": "REQUESTED_BY_CUSTOMER",
            "method": method,
            "transferDestination": refunds.SANDBOX_ACCOUNT,
        }
        if not full:
            body["amount"] = {"value": f"{params.get('amount', 10_000)}.00", "currency": "IDR"}
        refund = self.store.create_refund(self.merchant.merchant_id, wire.refund_request(body))
        refund["sandboxSteps"] = []
        for name in self.REFUND_PATHS[method][status]:
            self.store.step_refund(refund, name)
        return refund["id"]

    @staticmethod
    def method_options(kind: str | None, params: dict, capture_method: str) -> dict | None:
        if kind == "VIRTUAL_ACCOUNT":
            return {"virtualAccount": {"channel": params.get("channel") or "PERMATA"}}
        if kind == "EWALLET":
            return {"ewallet": {"channel": params.get("channel") or "DANA"}}
        if kind == "CARD":
            return {"card": {"captureMethod": capture_method}}
        return None

    # ---- POST /_pact/messages ----------------------------------------------------------------

    def message(self, body) -> tuple[int, dict, dict]:
        """The webhook this implementation sent last for the session the message's states set up, with
        its ``X-API-Key`` as Pact message metadata (base64 JSON in ``Pact-Message-Metadata``)."""
        if self.session_id is None:
            return 400, {"error": "no payment session was set up for this message's provider states"}, {}
        with self.store.lock:
            self.store.read(self.merchant.merchant_id, self.session_id)  # a due expiry sends its callback first
            sent = self.store.last_webhook(self.session_id)
        if sent is None:
            description = body.get("description") if isinstance(body, dict) else None
            return 404, {"error": f"no webhook was sent for the session of {description!r}"}, {}
        _event, payload, api_key = sent
        metadata = base64.b64encode(json.dumps({"X-API-Key": api_key}).encode()).decode()
        return 200, payload, {"Pact-Message-Metadata": metadata}
