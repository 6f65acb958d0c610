"""The payment-session lifecycle: what each operation does to a session, as pure functions.

Nothing here reads a clock, stores anything or speaks HTTP. Every function takes the session (a
plain dict, see ``new_session``), the instant ``at`` (epoch milliseconds) and its inputs, changes the
session in place and returns the webhooks the step causes, or raises ``Refused`` (then the caller
keeps its own copy: nothing changes).

The rules come from the project's docs: the transition tables (docs/lifecycle/session-transitions.md,
docs/lifecycle/charge-transitions.md) and the decision records (docs/decisions/*.md), cited below as
C1 … W2.

The one rule that shapes every function is L4: a session whose ``expiryAt`` is not after ``at`` has
expired *before* anything else happens. The caller runs ``expire_if_due`` first (and stores its
result even when the operation is then refused), so the operations below only ever see a session
that has not expired yet, or one that has already ended.
"""

from __future__ import annotations

import datetime as dt
import pathlib
import re
import uuid
from dataclasses import dataclass, field

import card_crypto

MINUTE = 60_000
DAY = 24 * 60 * MINUTE

# Session statuses (docs/lifecycle/session-machine.md). The four final ones absorb (P3, P5).
FINAL = frozenset({"PAID", "CANCELLED", "EXPIRED", "INACTIVE"})
# Charge statuses a charge can still leave (docs/lifecycle/charge-machine.md).
OPEN_CHARGE = frozenset(
    {"WAITING_FOR_USER_ACTION", "WAITING_FOR_AUTHENTICATION", "PROCESSING", "WAITING_FOR_CAPTURE"}
)
# Card and e-wallet are "pull" methods: the customer acts with the channel (authenticates, approves).
PULL_METHODS = frozenset({"CARD", "EWALLET"})

# The payment-method config of the documented example merchant (C3, C5): amount bounds in IDR and
# the longest allowed time between now and expiryAt.
METHOD_CONFIG = {
    "VIRTUAL_ACCOUNT": {"min": 10_000, "max": 9_999_999_999, "max_expiry": 30 * DAY},
    "CARD": {"min": 10_000, "max": 9_999_999_999, "max_expiry": 30 * DAY},
    "QR": {"min": 1_000, "max": 9_999_999, "max_expiry": 60 * MINUTE},
    "EWALLET": {"min": 10_000, "max": 9_999_999, "max_expiry": 30 * MINUTE},
}
DEFAULT_EXPIRY = 15 * MINUTE  # C2

# Deliberate defects (server.py --defect NAME) used to show that the verifier catches a provider
# that breaks a documented rule. Empty in a faithful run.
DEFECTS: set[str] = set()


@dataclass
class Refused(Exception):
    """An operation the session refuses: the HTTP status, the API's ``code`` and a message that says
    what was wrong and where. Nothing is stored for it (apart from an expiry that came first, L4)."""

    status: int
    code: str
    message: str
    details: list = field(default_factory=list)
    error_type: str = "API_ERROR"


def invalid_state(session: dict, action: str) -> Refused:
    """L2: 422 ``invalid_state``; the message names the status and the operation, in the gateway's
    words (clients match this text): "Payment session in status PAID is not allowed to confirm
    payment session"."""
    charge = latest_charge(session)
    where = f" (charge {charge['status']})" if charge and session["status"] in ("REQUIRE_ACTION", "PROCESSING") else ""
    return Refused(
        422, "invalid_state", f"Payment session in status {session['status']} is not allowed to {action} payment session{where}"
    )


def validation_errors(problems: list) -> Refused:
    """400 ``api_validation_error`` with one ``details[]`` entry per (field, message) (C3, C5)."""
    return Refused(400, "api_validation_error", "Request validation failed", [{"field": f, "message": m} for f, m in problems])


# --------------------------------------------------------------------------------------------
# Card encryption (facts §13, decision S3)
# --------------------------------------------------------------------------------------------

# The published card test key pair (contracts/card-test-key.pem): the only key this example has,
# since the standard library cannot make RSA keys. encryptionKey (base64 SPKI) -> private key PEM.
CARD_KEYS: dict[str, str] = {}
CARD_KEY: dict[str, str | None] = {"current": None}
ENCRYPTED_CARD_FIELD = "paymentMethod.card.encryptedCard"


def load_published_card_key() -> None:
    """Installs contracts/card-test-key.pem as the key of new card sessions (state ``card sessions use
    the published test key``; also the default, the example having no other)."""
    path = pathlib.Path(__file__).resolve().parent.parent.parent / "contracts" / "card-test-key.pem"
    if not path.exists():
        return
    text = path.read_text()
    public = re.search(r"-----BEGIN PUBLIC KEY-----(.*?)-----END PUBLIC KEY-----", text, re.S)
    private = re.search(r"-----BEGIN PRIVATE KEY-----.*?-----END PRIVATE KEY-----", text, re.S)
    if public is None or private is None:
        return
    encryption_key = "".join(public.group(1).split())
    CARD_KEYS[encryption_key] = private.group(0)
    CARD_KEY["current"] = encryption_key


def open_card(session: dict, encrypted_card: str) -> dict:
    """The card inside ``encryptedCard`` as the issuer sees it (number, expiry: in memory only), or 400
    at ``paymentMethod.card.encryptedCard``."""
    private_key = CARD_KEYS.get(session.get("encryptionKey") or "")
    content = None if private_key is None else card_crypto.open_encrypted_card(private_key, encrypted_card)
    if content is None:
        raise validation_errors([(ENCRYPTED_CARD_FIELD, "does not decrypt with this session's key")])
    card = content.get("card") if isinstance(content.get("card"), dict) else {}
    number = re.sub(r"\s", "", str(card.get("number") or ""))
    month, year = str(card.get("expiryMonth") or ""), str(card.get("expiryYear") or "")
    if not re.fullmatch(r"[0-9]{12,19}", number):
        raise validation_errors([(ENCRYPTED_CARD_FIELD, "holds no card number (12–19 digits)")])
    if not re.fullmatch(r"[0-9]{1,2}", month) or not 1 <= int(month) <= 12 or not re.fullmatch(r"[0-9]{1,4}", year):
        raise validation_errors([(ENCRYPTED_CARD_FIELD, "holds no valid card expiry")])
    return {"number": number, "expMonth": int(month), "expYear": int(year)}


# --------------------------------------------------------------------------------------------
# Creating a session (C1, C2, C3, C5)
# --------------------------------------------------------------------------------------------


def new_session(merchant_id: str, request: dict, at: int) -> tuple[dict, list]:
    """``POST /v2/payments``: the session a (shape-checked) create request makes, and its webhooks.

    C1 decides the first status from the request alone: MULTIPLE → ACTIVE; no ``paymentMethod`` →
    REQUIRE_PAYMENT_METHOD; a method with ``autoConfirm: false`` → REQUIRE_CONFIRMATION; a method
    with ``autoConfirm: true`` (the default) → the charge is created at once, REQUIRE_ACTION.
    """
    payment_type = request.get("paymentType", "SINGLE")
    mode = request.get("mode", "REDIRECT")  # the docs' default
    auto_confirm = request.get("autoConfirm", True)
    method = request.get("paymentMethod")
    amount = request.get("amount")
    session_id = str(uuid.uuid4())

    # Every problem is reported at once, one details[] entry each.
    problems: list = []
    if payment_type == "MULTIPLE":
        _check_multiple(problems, mode, auto_confirm, method, amount)
    elif amount is None:
        problems.append(("amount", "amount is required for a SINGLE payment session"))
    if amount is not None and method is not None:
        _check_amount_for_method(problems, amount, method["type"])
    expiry = request.get("expiryAt")  # already epoch ms (the HTTP layer parsed the instant)
    if expiry is not None:
        _check_expiry(problems, expiry, at, method)
    if problems:
        raise validation_errors(problems)
    if expiry is None and payment_type == "SINGLE":
        expiry = at + DEFAULT_EXPIRY  # C2; a MULTIPLE session may have none
    # An open static VA (no amount) takes any amount: its session amount is 0 (facts §9.5).
    amount = amount or {"value": 0, "currency": "IDR"}

    session = {
        "id": session_id,
        "merchantId": merchant_id,
        "clientReferenceId": request["clientReferenceId"],
        "amount": dict(amount),
        "autoConfirm": auto_confirm,
        "mode": mode,
        "paymentType": payment_type,
        "paymentMethod": dict(method) if method else None,
        "paymentMethodOptions": request.get("paymentMethodOptions"),
        "statementDescriptor": request.get("statementDescriptor", "Pivot Sandbox"),
        "metadata": request.get("metadata"),
        "status": "REQUIRE_PAYMENT_METHOD",
        "createdAt": at,
        "updatedAt": at,
        "expiryAt": expiry,
        "cancelledAt": None,
        "cancellationReason": None,
        "paymentUrl": f"https://pay.sandbox.invalid/{session_id}" if mode == "REDIRECT" else None,
        "encryptionKey": (
            CARD_KEY["current"]
            if method is not None and method["type"] == "CARD" and mode == "API" and not auto_confirm
            else None
        ),
        "charges": [],
        "lateCharges": [],
    }
    if payment_type == "MULTIPLE":
        session["status"] = "ACTIVE"
        session["paymentMethod"] = {**method, **_static_instrument(method, session)}
    elif method is not None:
        session["status"] = "REQUIRE_CONFIRMATION"
        if auto_confirm:
            _issue_charge(session, at)
            session["status"] = "REQUIRE_ACTION"
    return session, []


def _check_multiple(problems: list, mode: str, auto_confirm: bool, method: dict | None, amount: dict | None) -> None:
    """C1's conditions for MULTIPLE, with the documented api_validation_error messages (facts §3.3)."""
    if mode != "API":
        problems.append(("mode", "MULTIPLE payment type is only allowed in mode API"))
    if method is None or method["type"] not in ("VIRTUAL_ACCOUNT", "QR"):
        problems.append(("paymentMethod.type", "MULTIPLE payment type is not allowed for this payment method type"))
    if auto_confirm is not True:
        problems.append(("autoConfirm", "a MULTIPLE payment session is confirmed at once: autoConfirm must be true"))
    if method is not None and method["type"] == "QR" and amount is not None:
        problems.append(("amount", "QRIS MULTIPLE payment must not carry an amount"))


def _check_amount_for_method(problems: list, amount: dict, method_type: str) -> None:
    """C5: the amount must lie within the method's bounds of the merchant's config."""
    bounds = METHOD_CONFIG[method_type]
    if not bounds["min"] <= amount["value"] <= bounds["max"]:
        problems.append(
            ("amount.value", f"amount.value must be between {bounds['min']} and {bounds['max']} for {method_type}, got {amount['value']}")
        )


def _check_expiry(problems: list, expiry: int, at: int, method: dict | None) -> None:
    """C3: not in the past, not further away than the method's maximum."""
    if expiry <= at:
        problems.append(("expiryAt", "expiryAt must be later than now"))
    elif method is not None and expiry - at > METHOD_CONFIG[method["type"]]["max_expiry"]:
        longest = METHOD_CONFIG[method["type"]]["max_expiry"] // MINUTE
        problems.append(("expiryAt", f"expiryAt is further away than the {method['type']} maximum of {longest} minutes"))


def _static_instrument(method: dict, session: dict) -> dict:
    """The static VA number or static QR of a MULTIPLE session (it lives on ``paymentMethod``)."""
    options = session["paymentMethodOptions"] or {}
    if method["type"] == "VIRTUAL_ACCOUNT":
        va = options.get("virtualAccount", {})
        # Static VA numbers come from a bank-specific range of 100 (facts §8, VA limits): BCA has 6 digits.
        number = va.get("virtualAccountNumber") or f"{uuid.uuid4().int % 100:06d}"
        return {"virtualAccount": {"channel": va["channel"], "virtualAccountNumber": number}}
    return {"qr": {"qrType": "STATIC", "qrContent": f"00020101021126670016ID.CO.QRIS.WWW{uuid.uuid4().int % 10**12:012d}"}}


def _issue_charge(session: dict, at: int, opened_card: dict | None = None) -> dict:
    """The session's charge, WAITING_FOR_USER_ACTION, carrying its instrument (VA number, QR, …).
    ``opened_card``: the card of an ``encryptedCard``, seen here only to be masked."""
    method = session["paymentMethod"]
    if opened_card is not None:
        method = {**method, "card": {**(method.get("card") or {}), **opened_card}}
    options = session["paymentMethodOptions"] or {}
    charge = {
        "id": str(uuid.uuid4()),
        "status": "WAITING_FOR_USER_ACTION",
        "method": method["type"],
        "amount": dict(session["amount"]),
        "authorizedAmount": None,
        "capturedAmount": None,
        "isCaptured": False,
        "createdAt": at,
        "updatedAt": at,
        "paidAt": None,
        "failureCode": None,
        "captureMethod": (options.get("card") or {}).get("captureMethod", "automatic").lower(),
        "captureHistories": None,
        "instrument": _charge_instrument(session, method, options),
    }
    session["charges"].append(charge)
    return charge


def _charge_instrument(session: dict, method: dict, options: dict) -> dict:
    kind = method["type"]
    if kind == "VIRTUAL_ACCOUNT":
        va = options.get("virtualAccount", {})
        name = va.get("virtualAccountName") or "Sandbox Merchant"
        return {
            "channel": va["channel"],
            "virtualAccountNumber": f"7663{uuid.uuid4().int % 10**10:010d}",
            "virtualAccountName": f"Pivot - {name}",
            "expiryAt": session["expiryAt"],
        }
    if kind == "QR":
        return {
            "acquirer": (options.get("qr") or {}).get("acquirer", "BRI"),
            "qrContent": f"00020101021226670016ID.CO.QRIS.WWW{uuid.uuid4().int % 10**12:012d}",
            "qrType": "DYNAMIC",
            "qrUrl": None,
            "expiryAt": session["expiryAt"],
        }
    if kind == "EWALLET":
        return {"channel": options["ewallet"]["channel"], "accountInformations": None}
    card = method.get("card") or {}
    number = str(card.get("number") or "")
    month, year = card.get("expMonth"), card.get("expYear")
    return {
        "first6": number[:6] or None,
        "first8": number[:8] or None,
        "last4": number[-4:] or None,
        "expMonth": None if month is None else f"{int(month):02d}",
        "expYear": None if year is None else str(year),
    }


def latest_charge(session: dict) -> dict | None:
    return session["charges"][-1] if session["charges"] else None


def _open_charge(session: dict) -> dict | None:
    charge = latest_charge(session)
    return charge if charge and charge["status"] in OPEN_CHARGE else None


def _touch(session: dict, at: int, charge: dict | None = None) -> None:
    session["updatedAt"] = at
    if charge is not None:
        charge["updatedAt"] = at


def _webhook(event: str, session: dict) -> list:
    """W1: the callback ``{event, data: <session object>}`` as of this step."""
    return [(event, render_session(session))]


# --------------------------------------------------------------------------------------------
# Time passes (L4, P6)
# --------------------------------------------------------------------------------------------


def expire_if_due(session: dict, at: int) -> list:
    """L4: a session whose ``expiryAt`` is not after ``at`` ends now, lazily (on read or write).

    - SINGLE: EXPIRED, its open charge EXPIRED, no ``cancellationReason``; callback PAYMENT.CANCELLED.
    - a manual-capture card waiting for capture (P6): the charge FAILED with EXCEEDED_CAPTURE_PERIOD,
      the session CANCELLED with CHARGE_FAILED; callback PAYMENT.CANCELLED.
    - MULTIPLE: ACTIVE → INACTIVE, no callback (W1 names none).
    The instant recorded is the expiry itself, not the read that noticed it.
    """
    if session["status"] in FINAL or session["expiryAt"] is None or at < session["expiryAt"]:
        return []
    if "no-lazy-expiry" in DEFECTS:
        return []
    when = session["expiryAt"]
    charge = _open_charge(session)
    if session["status"] == "ACTIVE":
        session["status"] = "INACTIVE"
        _touch(session, when)
        return []
    if charge is not None and charge["status"] == "WAITING_FOR_CAPTURE":
        charge["status"] = "FAILED"
        charge["failureCode"] = "EXCEEDED_CAPTURE_PERIOD"
        session["status"] = "CANCELLED"
        session["cancellationReason"] = "CHARGE_FAILED"
        session["cancelledAt"] = when
    else:
        if charge is not None:
            charge.update(status="EXPIRED", failureCode="CHARGE_EXPIRED")  # facts §9.2, §11
        session["status"] = "EXPIRED"
        if "expired-reason" in DEFECTS:
            session["cancellationReason"] = "CHARGE_FAILED"
    _touch(session, when, charge)
    return _webhook("PAYMENT.CANCELLED", session)


# --------------------------------------------------------------------------------------------
# What the merchant does (L1, L3, L6, P6)
# --------------------------------------------------------------------------------------------


def confirm(session: dict, at: int, method: dict, options: dict | None) -> list:
    """L1: accepted in REQUIRE_PAYMENT_METHOD and REQUIRE_CONFIRMATION only. The body's method (and
    options) replace any earlier one, the charge is created, the session is REQUIRE_ACTION."""
    if session["status"] not in ("REQUIRE_PAYMENT_METHOD", "REQUIRE_CONFIRMATION"):
        raise invalid_state(session, "confirm")
    # The checks a create makes once the method is known (C3, C5).
    problems: list = []
    _check_amount_for_method(problems, session["amount"], method["type"])
    _check_expiry(problems, session["expiryAt"], at, method)
    if problems:
        raise validation_errors(problems)
    sealed = (method.get("card") or {}).get("encryptedCard")
    opened_card = None if sealed is None or "card-not-opened" in DEFECTS else open_card(session, sealed)
    if sealed is not None:  # the card is never kept: the method is stored without it
        method = {**method, "card": {k: v for k, v in method["card"].items() if k != "encryptedCard"}}
    session["paymentMethod"] = dict(method)
    session["paymentMethodOptions"] = options
    charge = _issue_charge(session, at, opened_card)
    if method["type"] == "CARD" and session["mode"] == "API":
        session["paymentUrl"] = f"https://pay.sandbox.invalid/3ds/{charge['id']}"  # the 3-D Secure step
    session["status"] = "REQUIRE_ACTION"
    _touch(session, at, charge)
    return []


def cancel(session: dict, at: int, reason: str) -> list:
    """L3 and L6: only before a charge exists. ``expiryAt`` becomes the cancel instant."""
    allowed = ("REQUIRE_PAYMENT_METHOD", "REQUIRE_CONFIRMATION")
    if "cancel-after-charge" in DEFECTS:
        allowed += ("REQUIRE_ACTION",)
    if session["status"] not in allowed:
        raise invalid_state(session, "cancel")
    session["status"] = "CANCELLED"
    session["cancellationReason"] = reason
    session["cancelledAt"] = at
    session["expiryAt"] = at
    _touch(session, at)
    return _webhook("PAYMENT.CANCELLED", session)


def capture(session: dict, at: int, amount: dict | None) -> tuple[list, dict]:
    """P6: a manual-capture card waiting for capture captures once, at most its authorised amount
    (default: all of it); the session is PAID. Anything else is 422 ``invalid_state``."""
    charge = _open_charge(session)
    if session["status"] != "PROCESSING" or charge is None or charge["status"] != "WAITING_FOR_CAPTURE":
        raise invalid_state(session, "capture")
    authorized = charge["authorizedAmount"]
    amount = amount or authorized
    if amount["currency"] != authorized["currency"] or amount["value"] > authorized["value"]:
        raise validation_errors(
            [("amount.value", f"the capture amount must not exceed the authorised {authorized['value']} {authorized['currency']}")]
        )
    capture_id = str(uuid.uuid4())
    charge.update(status="SUCCESS", capturedAmount=dict(amount), isCaptured=True, paidAt=at)
    charge["captureHistories"] = [
        {"captureId": capture_id, "currency": amount["currency"], "capturedAmount": amount["value"], "status": "SUCCESS", "createdAt": iso(at)}
    ]
    session["status"] = "PAID"
    _touch(session, at, charge)
    return _webhook("PAYMENT.PAID", session), {"id": capture_id, "amount": dict(amount)}


# --------------------------------------------------------------------------------------------
# What the customer and the channel do: a payment arrives (P1–P4), a charge expires, and the
# steps only the provider-state setup can cause (authentication, processing, failure).
# --------------------------------------------------------------------------------------------


def receive_payment(session: dict, at: int, amount: dict, charge_id: str | None) -> list:
    """Money arrived (a bank notification, or the sandbox simulation SUCCESS).

    - SINGLE with its charge open: the amount must equal the charge's (P1, 422 ``amount_mismatch``);
      a manual-capture card stops at WAITING_FOR_CAPTURE (PROCESSING), anything else is paid (PAID).
    - the same payment again changes nothing (P2), on a PAID session too.
    - MULTIPLE: each payment is a new SUCCESS charge (P4), the exact amount on a closed one.
    - an ended session stays ended; money paid into its charge (or into a MULTIPLE session's static
      VA/QR) is recorded as a late payment, once per charge id (P3), no callback.
    - a SINGLE session that ended before it had a charge had nothing to pay into: 422 ``invalid_state``
      (P3), nothing recorded.
    - before a charge exists: 422 ``invalid_state``.
    """
    status = session["status"]
    if status in ("CANCELLED", "EXPIRED") and not session["charges"]:
        raise invalid_state(session, "pay")
    if status in ("CANCELLED", "EXPIRED", "INACTIVE"):
        known = {c["chargeId"] for c in session["lateCharges"]} | {
            c["id"] for c in session["charges"] if c["status"] == "SUCCESS"
        }
        if charge_id not in known:
            session["lateCharges"].append({"chargeId": charge_id, "amount": dict(amount), "receivedAt": at})
            _touch(session, at)
        return []
    if status == "ACTIVE":
        if session["amount"]["value"] > 0 and amount != session["amount"]:
            raise _amount_mismatch(session["amount"], amount)
        if any(c["id"] == charge_id for c in session["charges"]):
            return []  # P2
        charge = _issue_charge(session, at)
        charge.update(id=charge_id, amount=dict(amount), status="SUCCESS", isCaptured=True, paidAt=at)
        charge["instrument"] = None  # the static instrument is on the session's paymentMethod
        _touch(session, at, charge)
        return _webhook("CHARGE.SUCCESS", session)
    if status not in ("REQUIRE_ACTION", "PROCESSING", "PAID"):
        raise invalid_state(session, "pay")
    charge = latest_charge(session)
    if charge_id is not None and charge_id != charge["id"]:
        raise Refused(404, "resource_missing", f"Charge with ID {charge_id} cannot be found", error_type="GATEWAY_ERROR")
    if charge["status"] in ("SUCCESS", "WAITING_FOR_CAPTURE"):
        return []  # P2: the same payment again
    if charge["status"] not in OPEN_CHARGE:
        raise invalid_state(session, "pay")
    if amount != charge["amount"]:
        raise _amount_mismatch(charge["amount"], amount)
    if charge["method"] == "CARD" and charge["captureMethod"] == "manual":
        charge.update(status="WAITING_FOR_CAPTURE", authorizedAmount=dict(amount))
        return _enter_processing(session, at, charge)
    charge.update(status="SUCCESS", isCaptured=True, paidAt=at)
    if charge["method"] == "CARD":  # a card is authorised and captured; a transfer is neither
        charge.update(authorizedAmount=dict(amount), capturedAmount=dict(amount))
    session["status"] = "PAID"
    _touch(session, at, charge)
    return _webhook("PAYMENT.PAID", session)


def _amount_mismatch(expected: dict, actual: dict) -> Refused:
    return Refused(
        422,
        "amount_mismatch",
        f"amount not match: expected {expected['value']} {expected['currency']}, received {actual['value']} {actual['currency']}",
    )


def _enter_processing(session: dict, at: int, charge: dict) -> list:
    was = session["status"]
    session["status"] = "PROCESSING"
    _touch(session, at, charge)
    # W1: PAYMENT.PROCESSING when the session *enters* PROCESSING, not on each later step.
    return _webhook("PAYMENT.PROCESSING", session) if was != "PROCESSING" else []


def expire_charge(session: dict, at: int) -> list:
    """The channel's own time ran out (the sandbox simulation EXPIRED): only a charge still waiting for
    the customer expires, and the session with it (callback PAYMENT.CANCELLED); the same expiry again
    changes nothing (P2); elsewhere 422 ``invalid_state``."""
    charge = latest_charge(session)
    if session["status"] == "EXPIRED" and charge is not None and charge["status"] == "EXPIRED":
        return []
    if session["status"] != "REQUIRE_ACTION" or charge is None or charge["status"] != "WAITING_FOR_USER_ACTION":
        raise invalid_state(session, "expire charge")
    charge.update(status="EXPIRED", failureCode="CHARGE_EXPIRED")
    session["status"] = "EXPIRED"
    _touch(session, at, charge)
    return _webhook("PAYMENT.CANCELLED", session)


def customer_step(session: dict, at: int, step: str) -> list:
    """Seeding only: the customer authenticates (WAITING_FOR_AUTHENTICATION) or the channel processes
    (PROCESSING) a card or e-wallet charge; the session enters PROCESSING."""
    charge = _open_charge(session)
    if session["status"] not in ("REQUIRE_ACTION", "PROCESSING") or charge is None or charge["method"] not in PULL_METHODS:
        raise invalid_state(session, "process")
    allowed = {
        "WAITING_FOR_AUTHENTICATION": ("WAITING_FOR_USER_ACTION",),
        "PROCESSING": ("WAITING_FOR_USER_ACTION", "WAITING_FOR_AUTHENTICATION"),
    }[step]
    if charge["status"] not in allowed:
        raise invalid_state(session, "process")
    charge["status"] = step
    return _enter_processing(session, at, charge)


def authorize(session: dict, at: int) -> list:
    """Seeding only: the issuer authorises a card for the full amount. Manual capture waits for the
    merchant's capture (WAITING_FOR_CAPTURE, P6); automatic capture pays the session."""
    charge = _open_charge(session)
    if charge is None or charge["method"] != "CARD" or charge["status"] == "WAITING_FOR_CAPTURE":
        raise invalid_state(session, "authorize")
    return receive_payment(session, at, charge["amount"], charge["id"])


def fail_charge(session: dict, at: int, failure_code: str) -> list:
    """L5: a failed charge cancels a SINGLE session with CHARGE_FAILED; callback PAYMENT.CANCELLED."""
    charge = _open_charge(session)
    if session["status"] not in ("REQUIRE_ACTION", "PROCESSING") or charge is None:
        raise invalid_state(session, "fail")
    charge.update(status="FAILED", failureCode=failure_code)
    session.update(status="CANCELLED", cancellationReason="CHARGE_FAILED", cancelledAt=at)
    _touch(session, at, charge)
    return _webhook("PAYMENT.CANCELLED", session)


# --------------------------------------------------------------------------------------------
# The wire form (openapi.json: PaymentSession, Charge). Every documented field is sent; a field
# without a value is sent as null, as the gateway's own examples do.
# --------------------------------------------------------------------------------------------


def iso(ms: int | None) -> str | None:
    """An instant as ISO-8601 UTC: ``2025-03-31T23:59:05Z``, with ``.mmm`` only when it has milliseconds."""
    if ms is None:
        return None
    moment = dt.datetime.fromtimestamp(ms // 1000, tz=dt.timezone.utc)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}.{ms % 1000:03d}Z" if ms % 1000 else f"{text}Z"


FAILURE_MESSAGES = {
    "EXCEEDED_CAPTURE_PERIOD": "The capture period has passed.",
    "CHARGE_EXPIRED": "The payment time ran out.",
}


def render_charge(session: dict, charge: dict) -> dict:
    instrument = charge["instrument"]
    if instrument is not None and "expiryAt" in instrument:
        instrument = {**instrument, "expiryAt": iso(instrument["expiryAt"])}
    method = charge["method"]
    return {
        "id": charge["id"],
        "paymentSessionId": session["id"],
        "paymentSessionClientReferenceId": session["clientReferenceId"],
        "amount": charge["amount"],
        "statementDescriptor": session["statementDescriptor"],
        "status": charge["status"],
        "authorizedAmount": charge["authorizedAmount"],
        "capturedAmount": charge["capturedAmount"],
        "isCaptured": charge["isCaptured"],
        "captureHistories": charge["captureHistories"],
        "createdAt": iso(charge["createdAt"]),
        "updatedAt": iso(charge["updatedAt"]),
        "paidAt": iso(charge["paidAt"]),
        "failureCode": charge["failureCode"],
        "failureMessage": None
        if charge["failureCode"] is None
        else FAILURE_MESSAGES.get(charge["failureCode"], f"{method} payment failed."),
        "virtualAccount": instrument if method == "VIRTUAL_ACCOUNT" else None,
        "qr": instrument if method == "QR" else None,
        "ewallet": instrument if method == "EWALLET" else None,
        "card": instrument if method == "CARD" else None,
    }


def render_session(session: dict) -> dict:
    return {
        "id": session["id"],
        "clientReferenceId": session["clientReferenceId"],
        "amount": session["amount"],
        "autoConfirm": session["autoConfirm"],
        "mode": session["mode"],
        "paymentType": session["paymentType"],
        "paymentMethod": session["paymentMethod"],
        "paymentMethodOptions": session["paymentMethodOptions"],
        "statementDescriptor": session["statementDescriptor"],
        "status": session["status"],
        "createdAt": iso(session["createdAt"]),
        "updatedAt": iso(session["updatedAt"]),
        "expiryAt": iso(session["expiryAt"]),
        "cancelledAt": iso(session["cancelledAt"]),
        "cancellationReason": session["cancellationReason"],
        "paymentUrl": session["paymentUrl"],
        **({"encryptionKey": session["encryptionKey"]} if session.get("encryptionKey") else {}),
        "metadata": session["metadata"],
        "chargeDetails": [render_charge(session, c) for c in session["charges"]] or None,
        "lateCharges": [{**late, "receivedAt": iso(late["receivedAt"])} for late in session["lateCharges"]],
    }


load_published_card_key()
