"""The refund rules as pure functions (decisions R1 … R5, docs/lifecycle/refund-*.md).

A refund is a dict; its amounts are integers of rupiah inside and decimal strings ("10000.00") on the
wire (``render_refund``). It refunds one SUCCESS charge of a session. Statuses:

    PENDING ──channel paid back (AUTO)──────────────▶ SUCCESS (destinationType CHANNEL)
    PENDING ──channel failed (AUTO) / transfer started (TRANSFER_ONLY)──▶ WAITING_BANK_TRANSFER (ACCOUNT)
    WAITING_BANK_TRANSFER ──transfer succeeded──▶ SUCCESS
    PENDING or WAITING_BANK_TRANSFER ──failed──▶ FAILED
    WAITING_BANK_TRANSFER ──cancelled by the gateway──▶ CANCELLED (no callback)

A refund never changes its session (R5): the session stays PAID (or ACTIVE / INACTIVE), its charge
stays SUCCESS, and what is refunded is summed from the refunds themselves.
"""

from __future__ import annotations

import uuid

from lifecycle import Refused, iso, latest_charge

HOLDING = ("PENDING", "WAITING_BANK_TRANSFER", "SUCCESS")  # R3: these hold money; FAILED and CANCELLED give it back
SANDBOX_STEP_MS = 5_000  # R1: the sandbox takes one step every 5 s after creation
SANDBOX_ACCOUNT = {"channelCode": "BCA", "channelInformation": {"accountNumber": "999966660001", "accountName": "Sandbox Customer"}}

# The callback each status sends (facts §10). The docs' typo TRANFER is kept on the wire (R4).
CALLBACK = {
    "PENDING": "REFUND.PENDING",
    "WAITING_BANK_TRANSFER": "REFUND.WAITING_BANK_TRANFER",
    "SUCCESS": "REFUND.SUCCESS",
    "FAILED": "REFUND.FAILED",
}


def refundable_charge(session: dict, charge_id: str | None) -> dict:
    """R2: a SUCCESS charge of a PAID SINGLE session, or of a MULTIPLE session (ACTIVE or INACTIVE);
    ``chargeId`` picks one, and a MULTIPLE session with several paid charges needs it."""
    paid = [c for c in session["charges"] if c["status"] == "SUCCESS"]
    if charge_id is not None:
        charge = next((c for c in session["charges"] if c["id"] == charge_id), None)
        if charge is None:
            raise _bad("chargeId", f"payment session {session['id']} has no charge {charge_id}")
    elif session["paymentType"] == "MULTIPLE" and len(paid) > 1:
        raise _bad("chargeId", "chargeId is required: this MULTIPLE payment session has several paid charges")
    else:
        charge = paid[0] if paid else latest_charge(session)
    refundable_session = session["status"] == "PAID" or (
        session["paymentType"] == "MULTIPLE" and session["status"] in ("ACTIVE", "INACTIVE")
    )
    if not refundable_session or charge is None or charge["status"] != "SUCCESS":
        charge_status = f" (charge {charge['status']})" if charge else " (no charge)"
        raise Refused(
            422,
            "invalid_state",
            f"Payment session in status {session['status']}{charge_status} is not allowed to refund payment session",
        )
    return charge


def new_refund(session: dict, charge: dict, held: int, request: dict, at: int) -> tuple[dict, list]:
    """``POST /v1/refunds`` after the request's shape was checked (wire.refund_request): the money rules
    (R3, in this order), then a PENDING refund and its REFUND.PENDING callback. ``held`` is what the
    charge's other refunds hold (PENDING, WAITING_BANK_TRANSFER, SUCCESS)."""
    captured = charge["capturedAmount"] or charge["amount"]  # R2: a manual capture's amount, else the charge's
    amount = request["amount"]
    if amount is not None and amount["currency"] != captured["currency"]:
        raise _bad("amount.currency", f"amount.currency must be the charge's currency {captured['currency']}")
    if request["isFullAmount"]:
        if held > 0:
            raise Refused(
                422,
                "full_refund_not_allowed",
                f"A full refund is not allowed: {held} of the captured {captured['value']} is already refunded or being refunded",
            )
        if amount is not None and amount["value"] != captured["value"]:
            raise _bad("amount.value", f"with isFullAmount, amount.value must be the captured amount {captured['value']}")
        amount = dict(captured)
    left = captured["value"] - held
    if amount["value"] > left:
        raise Refused(
            422,
            "amount_exceeds_refundable",
            f"Cannot refund {amount['value']}: {held} of the captured {captured['value']} is already refunded or being refunded, {left} is left",
        )
    refund = {
        "id": str(uuid.uuid4()),
        "merchantId": session["merchantId"],
        "clientReferenceId": request["clientReferenceId"],
        "paymentSessionId": session["id"],
        "chargeId": charge["id"],
        "isFullAmount": request["isFullAmount"],
        "amount": amount,
        "capturedAmount": dict(captured),
        "reason": request["reason"],
        "description": request["description"],
        "method": request["method"],
        "transferDestination": request["transferDestination"],
        "destinationType": None,
        "status": "PENDING",
        "failureReason": None,
        "metadata": request["metadata"],
        "createdAt": at,
        "updatedAt": at,
        "sandboxSteps": [],
    }
    refund["sandboxSteps"] = sandbox_steps(refund)
    return refund, _callback(refund)


def sandbox_steps(refund: dict) -> list:
    """R1: the path the sandbox takes a refund along, decided by the documented test values, one step
    every 5 s after creation: [(instant, step, failure reason)]."""
    auto = refund["method"] == "AUTO"
    reference = refund["clientReferenceId"]
    account = ((refund["transferDestination"] or {}).get("channelInformation") or {}).get("accountNumber")
    to_transfer = "channel_failed" if auto else "transfer_started"
    if reference.startswith("2001-") and account == "999966660008":
        path = [(to_transfer, None), ("fail", "the channel and the bank transfer both failed")]
    elif reference.startswith("2002-") and account == "999966660002":
        path = ([("channel_failed", None)] if auto else []) + [("fail", "ACCOUNT_NOT_FOUND")]
    elif reference.startswith("1001-") or not auto:
        path = [(to_transfer, None), ("transfer_succeeded", None)]
    else:
        path = [("channel_succeeded", None)]
    return [(refund["createdAt"] + (i + 1) * SANDBOX_STEP_MS, step, reason) for i, (step, reason) in enumerate(path)]


def bring_to(refund: dict, at: int) -> list:
    """Take every sandbox step due by ``at``, each at its own instant (like expiry, L4); its callbacks."""
    webhooks = []
    while refund["sandboxSteps"] and refund["sandboxSteps"][0][0] <= at:
        when, name, reason = refund["sandboxSteps"].pop(0)
        webhooks += step(refund, name, when, reason)
    return webhooks


def step(refund: dict, name: str, at: int, failure_reason: str | None = None) -> list:
    """One step of the refund machine (docs/lifecycle/refund-transitions.md); its callbacks."""
    status, auto = refund["status"], refund["method"] == "AUTO"
    if name == "channel_succeeded" and status == "PENDING" and auto:
        refund.update(status="SUCCESS", destinationType="CHANNEL")
    elif name == "channel_failed" and status == "PENDING" and auto:
        refund.update(status="WAITING_BANK_TRANSFER", destinationType="ACCOUNT")
    elif name == "transfer_started" and status == "PENDING" and not auto:
        refund.update(status="WAITING_BANK_TRANSFER", destinationType="ACCOUNT")
    elif name == "transfer_succeeded" and status == "WAITING_BANK_TRANSFER":
        refund.update(status="SUCCESS")
    elif name == "fail" and status in ("PENDING", "WAITING_BANK_TRANSFER"):
        # A refund that fails before it went anywhere failed where its method sends it first.
        refund.update(
            status="FAILED",
            failureReason=failure_reason or "the refund failed",
            destinationType=refund.get("destinationType") or ("CHANNEL" if auto else "ACCOUNT"),
        )
    elif name == "cancel" and status == "WAITING_BANK_TRANSFER":
        refund.update(status="CANCELLED", updatedAt=at)
        return []  # no callback is documented for a cancelled refund
    else:
        raise Refused(422, "invalid_state", f"A refund in status {status} cannot take the step {name}")
    refund["updatedAt"] = at
    return _callback(refund)


def render_refund(refund: dict) -> dict:
    """The refund object of the API (``GET /v1/refunds/{id}``, callbacks): amounts as decimal strings."""
    return {
        "id": refund["id"],
        "clientReferenceId": refund["clientReferenceId"],
        "paymentSessionId": refund["paymentSessionId"],
        "chargeId": refund["chargeId"],
        "isFullAmount": refund["isFullAmount"],
        "amount": wire_amount(refund["amount"]),
        "capturedAmount": wire_amount(refund["capturedAmount"]),
        "reason": refund["reason"],
        "description": refund["description"],
        "method": refund["method"],
        "transferDestination": refund["transferDestination"],
        "destinationType": refund["destinationType"],
        "status": refund["status"],
        "failureReason": refund["failureReason"],
        "metadata": refund["metadata"],
        "createdAt": iso(refund["createdAt"]),
        "updatedAt": iso(refund["updatedAt"]),
    }


def wire_amount(amount: dict) -> dict:
    """A refund amount on the wire: ``{"value": "10000.00", "currency": "IDR"}`` (a string, unlike a session's)."""
    return {"value": f"{amount['value']}.00", "currency": amount["currency"]}


def _callback(refund: dict) -> list:
    return [(CALLBACK[refund["status"]], render_refund(refund))]


def _bad(field: str, message: str) -> Refused:
    return Refused(400, "api_validation_error", "Request validation failed", [{"field": field, "message": message}])
