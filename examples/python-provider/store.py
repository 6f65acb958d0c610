"""The in-memory store: merchants and their tokens, sessions, refunds, idempotency records (C6), the
clock, and the webhook outbox with its delivery (W1, W2).

One lock guards everything, so concurrent requests on one session are applied one after another
(each answer is as if the requests had arrived in some order).
"""

from __future__ import annotations

import copy
import json
import queue
import secrets
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

import lifecycle
import refunds

TOKEN_LIFETIME_MS = 900_000  # POST /v1/access-token answers expiresIn "900" (seconds, facts §1)
IDEMPOTENCY_WINDOW_MS = 24 * 60 * lifecycle.MINUTE  # C6
RETRY_AFTER_SECONDS = [5 * 60, 15 * 60, 60 * 60, 3 * 3600, 6 * 3600, 12 * 3600]  # W2


class Clock:
    """The provider's clock. Time is data: the provider state ``the clock reads`` sets it and it then
    stands still until the next setting (the docs allow it to tick; standing still is simplest to
    reason about). Before any setting it follows the machine's clock."""

    def __init__(self) -> None:
        self._fixed: int | None = None

    def set(self, epoch_ms: int) -> None:
        self._fixed = epoch_ms

    def now(self) -> int:
        if "ignore-clock" in lifecycle.DEFECTS or self._fixed is None:
            return int(time.time() * 1000)
        return self._fixed


@dataclass
class Merchant:
    merchant_id: str
    secret: str
    callback_api_key: str
    callback_url: str | None = None


SUB_ACCOUNT = "::sub::"  # between a merchant's id and a sub-account's in the owner id of its data (S5)


def acting_for(merchant: Merchant, submerchant_id: str | None) -> Merchant:
    """S5: with ``x-submerchant-id`` a call acts for that sub-account: the same merchant (callback URL
    and key) under the owner id ``<merchant id>::sub::<sub-account id>``, so every session, refund and
    idempotency key it makes or reads is the sub-account's alone."""
    if submerchant_id is None:
        return merchant
    return Merchant(f"{merchant.merchant_id}{SUB_ACCOUNT}{submerchant_id}", merchant.secret,
                    merchant.callback_api_key, merchant.callback_url)


@dataclass
class Store:
    clock: Clock = field(default_factory=Clock)
    lock: threading.RLock = field(default_factory=threading.RLock)
    merchants: dict = field(default_factory=dict)  # merchant id -> Merchant
    tokens: dict = field(default_factory=dict)  # token -> (merchant id, expires at on the provider's clock)
    sessions: dict = field(default_factory=dict)  # session id -> session (lifecycle.new_session)
    refunds: dict = field(default_factory=dict)  # refund id -> refund (refunds.new_refund)
    idempotency: dict = field(default_factory=dict)  # (merchant id, X-REQUEST-ID) -> record
    outbox: dict = field(default_factory=dict)  # session id -> [(event, body, X-API-Key)]
    deliveries: queue.Queue = field(default_factory=queue.Queue)

    # ---- merchants and tokens ----------------------------------------------------------------

    def reset_merchant(self, merchant_id: str, secret: str, callback_api_key: str | None, callback_url: str | None) -> None:
        """A merchant afresh: no sessions, no idempotency keys, no tokens (provider state)."""
        with self.lock:
            for sid in [sid for sid, s in self.sessions.items() if s["merchantId"] == merchant_id]:
                del self.sessions[sid]
                self.outbox.pop(sid, None)
            for rid in [rid for rid, r in self.refunds.items() if r["merchantId"] == merchant_id]:
                del self.refunds[rid]
            for key in [k for k in self.idempotency if k[0] == merchant_id]:
                del self.idempotency[key]
            for token in [t for t, (mid, _) in self.tokens.items() if mid == merchant_id]:
                del self.tokens[token]
            self.merchants[merchant_id] = Merchant(
                merchant_id, secret, callback_api_key or f"callback-{secrets.token_hex(8)}", callback_url
            )

    def issue_token(self, merchant_id: str, secret: str) -> str | None:
        """``POST /v1/access-token``: a token for the right id and secret, else None. A token lives 900 s
        of the provider's clock (the explorer moves the clock on and expects old tokens to be refused)."""
        with self.lock:
            merchant = self.merchants.get(merchant_id)
            if merchant is None or not secrets.compare_digest(merchant.secret, secret):
                return None
            token = secrets.token_urlsafe(32)
            self.tokens[token] = (merchant_id, self.clock.now() + TOKEN_LIFETIME_MS)
            return token

    def merchant_of_token(self, token: str) -> Merchant | None:
        with self.lock:
            entry = self.tokens.get(token)
            if entry is None or self.clock.now() >= entry[1]:
                return None
            return self.merchants.get(entry[0])

    # ---- sessions ------------------------------------------------------------------------------

    def add_session(self, session: dict, webhooks: list) -> None:
        with self.lock:
            self.sessions[session["id"]] = session
            self._emit(session["merchantId"], session["id"], webhooks)

    def read(self, merchant_id: str, session_id: str) -> dict:
        """One session of this merchant, expired first if its time has come (L4). Another merchant's
        session is answered exactly like a session that does not exist (tenant isolation)."""
        with self.lock:
            session = self.sessions.get(session_id)
            if session is None or session["merchantId"] != merchant_id:
                raise lifecycle.Refused(
                    404, "resource_missing", f"Payment session with ID {session_id} cannot be found", error_type="GATEWAY_ERROR"
                )
            self._emit(merchant_id, session_id, lifecycle.expire_if_due(session, self.clock.now()))
            return session

    def apply(self, merchant_id: str, session_id: str, operation) -> tuple[dict, object]:
        """Run ``operation(session_copy, now)`` on one session: the expiry comes first and is kept even
        if the operation is refused (L4); a refused operation changes nothing else. ``operation``
        returns its webhooks, or (webhooks, extra) when it has more to answer (a capture)."""
        with self.lock:
            session = self.read(merchant_id, session_id)
            draft = copy.deepcopy(session)
            result = operation(draft, self.clock.now())  # raises lifecycle.Refused
            webhooks, extra = result if isinstance(result, tuple) else (result, None)
            self.sessions[session_id] = draft
            self._emit(merchant_id, session_id, webhooks)
            return draft, extra

    def list_sessions(self, merchant_id: str, client_reference_id: str | None) -> list:
        """Oldest first, the same order on every page."""
        with self.lock:
            found = [
                s
                for s in self.sessions.values()
                if s["merchantId"] == merchant_id and client_reference_id in (None, s["clientReferenceId"])
            ]
            return [self.read(merchant_id, s["id"]) for s in found]

    def delete_session(self, session_id: str) -> None:
        with self.lock:
            self.sessions.pop(session_id, None)
            self.outbox.pop(session_id, None)

    # ---- refunds (R1 … R5) ------------------------------------------------------------------------

    def create_refund(self, merchant_id: str, request: dict) -> dict:
        """``POST /v1/refunds``: the session (404 if it is not this merchant's) and its refunds brought to
        the clock first, then the money rules (refunds.new_refund). The session itself is not changed (R5)."""
        with self.lock:
            session = self.read(merchant_id, request["paymentSessionId"])
            charge = refunds.refundable_charge(session, request["chargeId"])
            held = sum(
                r["amount"]["value"]
                for r in self.list_refunds(merchant_id, {"paymentSessionId": session["id"]})
                if r["chargeId"] == charge["id"] and r["status"] in refunds.HOLDING
            )
            refund, webhooks = refunds.new_refund(session, charge, held, request, self.clock.now())
            self.refunds[refund["id"]] = refund
            self._emit(merchant_id, session["id"], webhooks)
            return refund

    def refund(self, merchant_id: str, refund_id: str) -> dict:
        """One refund of this merchant, brought to the clock (R1); another merchant's is missing too."""
        with self.lock:
            refund = self.refunds.get(refund_id)
            if refund is None or refund["merchantId"] != merchant_id:
                raise lifecycle.Refused(
                    404, "resource_missing", f"Refund with ID {refund_id} cannot be found", error_type="GATEWAY_ERROR"
                )
            self._emit(merchant_id, refund["paymentSessionId"], refunds.bring_to(refund, self.clock.now()))
            return refund

    def list_refunds(self, merchant_id: str, filters: dict) -> list:
        """Oldest first; ``filters`` maps paymentSessionId, clientReferenceId, status to a value or None."""
        with self.lock:
            found = [self.refund(merchant_id, rid) for rid, r in self.refunds.items() if r["merchantId"] == merchant_id]
            return [r for r in found if all(value in (None, r[name]) for name, value in filters.items())]

    def step_refund(self, refund: dict, name: str) -> None:
        """One step of the refund machine at the clock, with its callback (the provider state uses it)."""
        with self.lock:
            self._emit(refund["merchantId"], refund["paymentSessionId"], refunds.step(refund, name, self.clock.now()))

    def delete_refund(self, refund_id: str) -> None:
        with self.lock:
            self.refunds.pop(refund_id, None)

    # ---- idempotency (C6) ------------------------------------------------------------------------

    def idempotent(self, merchant_id: str, request_key: str | None, fingerprint: str, run) -> tuple[int, dict]:
        """Answer a POST under ``X-REQUEST-ID``: the first answer again for the same request within 24 h,
        409 ``idempotency_error`` for another request (another body or endpoint) under the same key.
        Kept: the answers of requests that ran (200, and 422 refusals of the lifecycle); not kept: a
        request refused before it ran (400, 404, 409), so a corrected retry is served afresh."""
        if request_key is None:
            return run()
        with self.lock:
            now = self.clock.now()
            record = self.idempotency.get((merchant_id, request_key))
            if record is not None and now - record["at"] < IDEMPOTENCY_WINDOW_MS:
                if record["fingerprint"] != fingerprint:
                    raise lifecycle.Refused(
                        409,
                        "idempotency_error",
                        f"X-REQUEST-ID {request_key!r} was already used for another request (another body or endpoint)",
                    )
                if "replay-creates-new" not in lifecycle.DEFECTS:
                    return record["status"], copy.deepcopy(record["body"])
            status, body = run()
            if status in (200, 422):
                self.idempotency[(merchant_id, request_key)] = {
                    "fingerprint": fingerprint,
                    "status": status,
                    "body": copy.deepcopy(body),
                    "at": now,
                }
            return status, body

    # ---- webhooks (W1, W2) -----------------------------------------------------------------------

    def _emit(self, merchant_id: str, session_id: str, webhooks: list) -> None:
        """Send webhooks (a session's, or a refund's of that session) to the merchant's callback URL, and
        keep them per session for the messages endpoint."""
        merchant = self.merchants.get(merchant_id.split(SUB_ACCOUNT, 1)[0])  # a sub-account's: its merchant's
        for event, data in webhooks:
            body = {"event": event, "data": data}
            key = merchant.callback_api_key if merchant else ""
            if "wrong-callback-key" in lifecycle.DEFECTS:
                key = "not-the-merchants-key"
            self.outbox.setdefault(session_id, []).append((event, body, key))
            if merchant is not None and merchant.callback_url:
                self.deliveries.put((merchant.callback_url, key, json.dumps(body).encode(), 0))

    def last_webhook(self, session_id: str):
        with self.lock:
            sent = self.outbox.get(session_id) or []
            return sent[-1] if sent else None

    def deliver_forever(self) -> None:
        """The delivery worker (one thread, so a merchant receives a session's callbacks in order).
        POST with ``X-API-Key``; on a 5xx, 408, 429 or no answer, retried after 5 min, 15 min, 1 h,
        3 h, 6 h and 12 h, then given up (W2: the dashboard's manual retry is not modelled)."""
        while True:
            url, key, body, attempt = self.deliveries.get()
            request = urllib.request.Request(
                url,
                data=body,
                method="POST",
                headers={"Content-Type": "application/json", "Accept": "application/json", "X-API-Key": key},
            )
            try:
                with urllib.request.urlopen(request, timeout=10):
                    continue
            except urllib.error.HTTPError as error:
                retry = error.code >= 500 or error.code in (408, 429)
            except OSError:
                retry = True
            if retry and attempt < len(RETRY_AFTER_SECONDS):
                timer = threading.Timer(
                    RETRY_AFTER_SECONDS[attempt], self.deliveries.put, [(url, key, body, attempt + 1)]
                )
                timer.daemon = True
                timer.start()
