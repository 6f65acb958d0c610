"""A small Payments v2 API (Pivot Payment) in standard-library Python, written from the project's docs.

    python3 server.py --port 8080 --test-endpoints

serves the public API (docs/openapi.json) and, with ``--test-endpoints``, the two endpoints the
contract verifier needs: ``POST /_pact/provider-states`` and ``POST /_pact/messages``
(docs/guides/implementing-the-api.md). Everything lives in memory. See README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import lifecycle
import refunds
import wire
from lifecycle import Refused
from store import Store, acting_for
from test_endpoints import TestEndpoints

SESSION_PATH = re.compile(r"/v2/payments/([^/]+)")
OPERATION_PATH = re.compile(r"/v2/payments/([^/]+)/(confirm|cancel|capture)")
REFUND_PATH = re.compile(r"/v1/refunds/([^/]+)")


def ok(data, pagination=None) -> tuple[int, dict]:
    body = {"code": "00", "message": "Success", "data": data}
    if pagination is not None:
        body["pagination"] = pagination
    return 200, body


def refused(error: Refused) -> tuple[int, dict]:
    """The error envelope (facts §3.1): ``{code, message, error: {type, source, details?, traceId}}``."""
    detail = {"type": error.error_type, "source": "UPSTREAM" if error.status < 500 else "SYSTEM"}
    if error.details:
        detail["details"] = error.details
    detail["traceId"] = str(uuid.uuid4())
    return error.status, {"code": error.code, "message": error.message, "error": detail}


def page_of(items: list, page: int, per_page: int) -> tuple[list, dict]:
    total = len(items)
    return items[(page - 1) * per_page : page * per_page], {
        "page": page,
        "perPage": per_page,
        "totalItems": total,
        "totalPages": math.ceil(total / per_page),
    }


class Api:
    def __init__(self, store: Store, test_endpoints: bool) -> None:
        self.store = store
        self.tests = TestEndpoints(store, self) if test_endpoints else None
        self.verbose = False

    def handle(self, method: str, target: str, headers, raw: bytes) -> tuple[int, dict, dict]:
        """One request → (status, JSON body, extra headers)."""
        url = urlsplit(target)
        path, query = url.path.rstrip("/") or "/", parse_qs(url.query)
        try:
            if self.tests is not None and method == "POST" and path == "/_pact/provider-states":
                return (*self.tests.provider_state(json_body(raw)), {})
            if self.tests is not None and method == "POST" and path == "/_pact/messages":
                return self.tests.message(json_body(raw))
            if method == "POST" and path == "/v1/access-token":
                return (*self.access_token(headers, raw), {})
            route = self.route(method, path)
            merchant = self.authenticate(headers)  # 401 before anything is read
            if method == "GET":
                return (*route(merchant, query), {})
            request_key = request_id(headers)
            body = json_body(raw)
            fingerprint = hashlib.sha256(
                f"{method} {path}\n{json.dumps(body, sort_keys=True)}".encode()
            ).hexdigest()
            # The body is read first: a malformed request is refused (400) before its key is looked at.
            action = route(merchant, body)
            return (*self.store.idempotent(merchant.merchant_id, request_key, fingerprint, lambda: run(action)), {})
        except Refused as error:
            return (*refused(error), {})

    def route(self, method: str, path: str):
        if path == "/v2/payments":
            return {"POST": self.create, "GET": self.list_sessions}.get(method) or not_found(path)
        if path == "/v2/payments/simulations" and method == "POST":
            return self.simulate
        if path == "/v2/charges" and method == "GET":
            return self.list_charges
        if (match := OPERATION_PATH.fullmatch(path)) and method == "POST":
            operation = {"confirm": self.confirm, "cancel": self.cancel, "capture": self.capture}[match[2]]
            return lambda merchant, body: operation(merchant, match[1], body)
        if (match := SESSION_PATH.fullmatch(path)) and method == "GET":
            return lambda merchant, query: self.get_session(merchant, match[1])
        if path == "/v1/refunds":
            return {"POST": self.create_refund, "GET": self.list_refunds}.get(method) or not_found(path)
        if (match := REFUND_PATH.fullmatch(path)) and method == "GET":
            return lambda merchant, query: ok(refunds.render_refund(self.store.refund(merchant.merchant_id, match[1])))
        not_found(path)

    def authenticate(self, headers):
        token = (headers.get("Authorization") or "").removeprefix("Bearer ").strip()
        merchant = self.store.merchant_of_token(token) if token else None
        if merchant is None:
            raise Refused(401, "credentials_invalid", "Invalid credentials")
        # S5: x-submerchant-id (1–255 visible ASCII characters) makes the call act for that sub-account.
        sub = headers.get("x-submerchant-id")
        if sub is not None and not wire.REQUEST_ID.fullmatch(sub):
            raise wire_problem("x-submerchant-id", "x-submerchant-id must be 1–255 visible ASCII characters")
        return acting_for(merchant, sub)

    # ---- POST /v1/access-token -------------------------------------------------------------------

    def access_token(self, headers, raw: bytes) -> tuple[int, dict]:
        """S2: the token is answered on the X-MERCHANT-ID and X-MERCHANT-SECRET headers alone. The body
        (JSON, form-encoded, empty or none, whatever its content type) is not read."""
        token = self.store.issue_token(headers.get("X-MERCHANT-ID") or "", headers.get("X-MERCHANT-SECRET") or "")
        if token is None:
            raise Refused(401, "credentials_invalid", "Invalid credentials")
        return ok({"accessToken": token, "expiresIn": "900", "tokenType": "Bearer"})

    # ---- sessions --------------------------------------------------------------------------------

    # Each POST handler reads its body (400 for a malformed one) and returns the action to run
    # under the request's X-REQUEST-ID.

    def create(self, merchant, body):
        request = wire.create_request(body)

        def action() -> tuple[int, dict]:
            session, webhooks = lifecycle.new_session(merchant.merchant_id, request, self.store.clock.now())
            self.store.add_session(session, webhooks)
            return ok(lifecycle.render_session(session))

        return action

    def create_with_key(self, merchant, request_key: str, body) -> tuple[int, dict]:
        """What ``POST /v2/payments`` with ``X-REQUEST-ID`` does (the provider state
        ``a payment session was created with request id`` replays exactly this)."""
        fingerprint = hashlib.sha256(f"POST /v2/payments\n{json.dumps(body, sort_keys=True)}".encode()).hexdigest()
        action = self.create(merchant, body)
        return self.store.idempotent(merchant.merchant_id, request_key, fingerprint, lambda: run(action))

    def run_simulation(self, merchant, body) -> tuple[int, dict]:
        """What ``POST /v2/payments/simulations`` does (the provider state ``a simulation was accepted``)."""
        try:
            return run(self.simulate(merchant, body))
        except Refused as error:
            return refused(error)

    def get_session(self, merchant, session_id: str) -> tuple[int, dict]:
        return ok(lifecycle.render_session(self.store.read(merchant.merchant_id, session_id)))

    def list_sessions(self, merchant, query) -> tuple[int, dict]:
        page, per_page = wire.page_params(query)
        sessions = self.store.list_sessions(merchant.merchant_id, query.get("clientReferenceId", [None])[0])
        items, pagination = page_of([lifecycle.render_session(s) for s in sessions], page, per_page)
        return ok(items, pagination)

    def list_charges(self, merchant, query) -> tuple[int, dict]:
        page, per_page = wire.page_params(query)
        reference = query.get("clientReferenceId", [None])[0]
        if reference is None:  # required here (openapi.json), optional on GET /v2/payments
            raise wire_problem("clientReferenceId", "clientReferenceId is required")
        sessions = self.store.list_sessions(merchant.merchant_id, reference)
        charges = [lifecycle.render_charge(s, c) for s in sessions for c in s["charges"]]
        items, pagination = page_of(charges, page, per_page)
        return ok(items, pagination)

    def confirm(self, merchant, session_id: str, body):
        method, options = wire.confirm_request(body)

        def action() -> tuple[int, dict]:
            session, _ = self.store.apply(
                merchant.merchant_id, session_id, lambda s, now: lifecycle.confirm(s, now, method, options)
            )
            return ok(lifecycle.render_session(session))

        return action

    def cancel(self, merchant, session_id: str, body):
        reason = wire.cancel_request(body)

        def action() -> tuple[int, dict]:
            session, _ = self.store.apply(merchant.merchant_id, session_id, lambda s, now: lifecycle.cancel(s, now, reason))
            return ok(lifecycle.render_session(session))

        return action

    def capture(self, merchant, session_id: str, body):
        amount, release = wire.capture_request(body)
        return lambda: self.captured(merchant, session_id, amount, release)

    def captured(self, merchant, session_id: str, amount: dict | None, release: bool) -> tuple[int, dict]:
        session, captured = self.store.apply(
            merchant.merchant_id, session_id, lambda s, now: lifecycle.capture(s, now, amount)
        )
        return ok(
            {
                "id": captured["id"],
                "paymentSessionId": session["id"],
                "paymentSessionClientReferenceId": session["clientReferenceId"],
                "releaseRemainingAmount": release,
                "amount": captured["amount"],
                "status": "SUCCESS",  # captured at once: this sandbox has no asynchronous acquirer
                "createdAt": lifecycle.iso(session["updatedAt"]),
                "updatedAt": lifecycle.iso(session["updatedAt"]),
            }
        )

    def simulate(self, merchant, body):
        """``POST /v2/payments/simulations`` (sandbox): SUCCESS is a payment arriving for the session's
        charge (a MULTIPLE session's payment is a new transfer with a new charge id), for ``amount``
        (default: the charge's, or a closed session's, amount); EXPIRED is the charge's channel timing out."""
        session_id, charge_status, amount = wire.simulation_request(body)

        def operation(session: dict, now: int) -> list:
            if charge_status == "EXPIRED":
                return lifecycle.expire_charge(session, now)
            charge = None if session["paymentType"] == "MULTIPLE" else lifecycle.latest_charge(session)
            paid = amount or (charge and charge["amount"]) or (session["amount"] if session["amount"]["value"] else None)
            if paid is None:
                raise wire_problem("amount", "amount is required for an open-amount MULTIPLE session")
            return lifecycle.receive_payment(session, now, paid, charge["id"] if charge else str(uuid.uuid4()))

        def action() -> tuple[int, dict]:
            self.store.apply(merchant.merchant_id, session_id, operation)
            return ok({"updated": "true"})  # the docs' example answers the string "true"

        return action


    # ---- refunds (R1 … R5) -----------------------------------------------------------------------

    def create_refund(self, merchant, body):
        request = wire.refund_request(body)
        return lambda: ok(refunds.render_refund(self.store.create_refund(merchant.merchant_id, request)))

    def list_refunds(self, merchant, query) -> tuple[int, dict]:
        page, per_page = wire.page_params(query)
        found = self.store.list_refunds(merchant.merchant_id, wire.refund_filters(query))
        items, pagination = page_of([refunds.render_refund(r) for r in found], page, per_page)
        return ok(items, pagination)


def run(action) -> tuple[int, dict]:
    try:
        return action()
    except Refused as error:
        return refused(error)


def not_found(path: str):
    raise Refused(404, "not_found", f"No endpoint {path}", error_type="GATEWAY_ERROR")


def wire_problem(field: str, message: str) -> Refused:
    return lifecycle.validation_errors([(field, message)])


def json_body(raw: bytes):
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError as error:
        raise wire_problem("", f"the body is not valid JSON: {error}") from None


def request_id(headers) -> str | None:
    """C6: optional; any 1–255 visible ASCII characters."""
    key = headers.get("X-REQUEST-ID")
    if key is None:
        return None
    if not wire.REQUEST_ID.fullmatch(key):
        raise wire_problem("X-REQUEST-ID", "X-REQUEST-ID must be 1–255 visible ASCII characters")
    return key


def handler_for(api: Api):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes: without this, Nagle's algorithm and the client's
        # delayed ACK hold every answer back by about 40 ms.
        disable_nagle_algorithm = True

        def answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            status, body, extra = api.handle(self.command, self.path, self.headers, raw)
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = answer

        def log_message(self, format: str, *args) -> None:
            if api.verbose:
                super().log_message(format, *args)

    return Handler


DEFECTS = {
    "no-lazy-expiry": "L4: a session past its expiryAt keeps its status (no lazy expiry on read or write)",
    "cancel-after-charge": "L6: a session in REQUIRE_ACTION can be cancelled",
    "expired-reason": "L4: an expired session answers cancellationReason CHARGE_FAILED",
    "replay-creates-new": "C6: a repeated request under the same X-REQUEST-ID runs again (a new session)",
    "wrong-callback-key": "W1: webhooks carry another X-API-Key than the merchant's callback key",
    "card-not-opened": "S3: an encryptedCard on confirm is never opened (no masked card; a value that does not decrypt is accepted)",
    "ignore-clock": "time is data: the provider state 'the clock reads' is ignored (the machine's clock is used)",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    parser.add_argument("--port-file", help="write the port actually bound to this file once listening")
    parser.add_argument("--test-endpoints", action="store_true", help="serve /_pact/provider-states and /_pact/messages")
    parser.add_argument(
        "--merchant",
        action="append",
        default=[],
        metavar="ID:SECRET[:CALLBACK_API_KEY[:CALLBACK_URL]]",
        help="a merchant that exists from the start (repeatable)",
    )
    parser.add_argument(
        "--defect",
        action="append",
        default=[],
        choices=sorted(DEFECTS),
        help="break one documented rule on purpose, to see the verifier fail: "
        + "; ".join(f"{k}: {v}" for k, v in DEFECTS.items()),
    )
    parser.add_argument("--verbose", action="store_true", help="log every request on stderr")
    args = parser.parse_args()

    lifecycle.DEFECTS.update(args.defect)
    store = Store()
    for spec in args.merchant:
        merchant_id, secret, key, url = (spec.split(":", 3) + [None, None])[:4]
        store.reset_merchant(merchant_id, secret, key, url)
    api = Api(store, args.test_endpoints)
    api.verbose = args.verbose
    threading.Thread(target=store.deliver_forever, daemon=True).start()
    server = ThreadingHTTPServer((args.host, args.port), handler_for(api))
    port = server.server_address[1]
    if args.port_file:
        with open(args.port_file, "w") as out:
            out.write(str(port))
    defects = f" with defects {', '.join(args.defect)}" if args.defect else ""
    print(f"Payments v2 sandbox listening on http://{args.host}:{port}{defects}", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
