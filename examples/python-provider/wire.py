"""Reading request bodies (docs/openapi.json) liberally, as decision C7 asks: unknown fields are
ignored, instants may carry any offset, but wrong types, unknown enum values and impossible amounts
or instants are refused with 400 ``api_validation_error`` and one ``details[]`` entry per problem.
"""

from __future__ import annotations

import datetime as dt
import re

from lifecycle import Refused

VA_CHANNELS = ("PERMATA", "BRI", "MANDIRI", "CIMB", "BNC", "BNI", "BCA", "BSI", "DANAMON")
EWALLET_CHANNELS = ("DANA", "SHOPEEPAY", "OVO")
METHOD_TYPES = ("VIRTUAL_ACCOUNT", "QR", "CARD", "EWALLET")
CANCEL_REASONS = ("REQUESTED_BY_CUSTOMER", "DUPLICATED", "VOID_SESSION")  # L3
CLIENT_REFERENCE = re.compile(r"[\x21-\x7E]{1,100}")  # C7: 1–100 visible characters
REQUEST_ID = re.compile(r"[\x21-\x7E]{1,255}")  # C6: 1–255 visible ASCII
INSTANT = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)")


class Problems:
    """Collects every problem of one body, then refuses them together."""

    def __init__(self) -> None:
        self.details: list = []

    def add(self, field: str, message: str) -> None:
        self.details.append({"field": field, "message": message})

    def raise_if_any(self) -> None:
        if self.details:
            raise Refused(400, "api_validation_error", "Request validation failed", self.details)


def parse_instant(text: object) -> int | None:
    """ISO-8601 with an offset (``Z``, ``+07:00``; any fraction of a second) → epoch milliseconds.
    Python's ``fromisoformat`` takes at most 6 fraction digits, and the gateway sends 9."""
    if not isinstance(text, str):
        return None
    match = INSTANT.fullmatch(text)
    if match is None:
        return None
    seconds, fraction, offset = match.groups()
    try:
        moment = dt.datetime.fromisoformat(seconds + ("+00:00" if offset == "Z" else offset))
    except ValueError:
        return None
    millis = int((fraction or ".0")[1:4].ljust(3, "0"))
    return int(moment.timestamp()) * 1000 + millis


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)  # in Python, True is an int


def amount(body: dict, name: str, problems: Problems, required: bool) -> dict | None:
    value = body.get(name)
    if value is None:
        if required:
            problems.add(name, f"{name} is required")
        return None
    if not isinstance(value, dict):
        problems.add(name, f"{name} must be an object {{value, currency}}")
        return None
    if not is_int(value.get("value")) or value["value"] < 1:
        problems.add(f"{name}.value", f"{name}.value must be an integer of at least 1 (IDR has no minor unit in use)")
    if not isinstance(value.get("currency"), str) or not re.fullmatch(r"[A-Z]{1,3}", value["currency"]):
        problems.add(f"{name}.currency", f"{name}.currency must be an ISO 4217 code such as IDR")
    return {"value": value.get("value"), "currency": value.get("currency")}


def enum(body: dict, name: str, values: tuple, problems: Problems, prefix: str = "") -> str | None:
    value = body.get(name)
    if value is not None and value not in values:
        problems.add(prefix + name, f"{prefix}{name} must be one of {', '.join(values)}, got {value!r}")
        return None
    return value


def boolean(body: dict, name: str, problems: Problems) -> bool | None:
    value = body.get(name)
    if value is not None and not isinstance(value, bool):
        problems.add(name, f"{name} must be true or false")
    return value


def object_or_none(body: dict, name: str, problems: Problems, prefix: str = "") -> dict | None:
    value = body.get(name)
    if value is not None and not isinstance(value, dict):
        problems.add(prefix + name, f"{prefix}{name} must be an object")
        return None
    return value


def payment_method(body: dict, problems: Problems, required: bool) -> tuple[dict | None, dict | None]:
    """``paymentMethod`` and ``paymentMethodOptions``; the options the chosen method needs (a VA bank,
    an e-wallet channel) are required, and are returned in ``paymentMethodOptions``."""
    method = object_or_none(body, "paymentMethod", problems)
    options = object_or_none(body, "paymentMethodOptions", problems) or {}
    if method is None:
        if required:
            problems.add("paymentMethod", "paymentMethod is required")
        return None, (options or None)
    kind = enum(method, "type", METHOD_TYPES, problems, "paymentMethod.")
    if kind is None:
        if "type" not in method:
            problems.add("paymentMethod.type", "paymentMethod.type is required")
        return None, None
    options = {**options}
    for sub in ("virtualAccount", "ewallet", "qr", "card"):
        if object_or_none(options, sub, problems, "paymentMethodOptions.") is None:
            options.pop(sub, None)
    if kind == "VIRTUAL_ACCOUNT":
        # The bank may be given in the options (the docs' examples) or in paymentMethod.virtualAccount.
        # Without a bank the sandbox picks PERMATA (liberal reader, C7; the reference does the same).
        va = {"channel": "PERMATA", **(method.get("virtualAccount") or {}), **options.get("virtualAccount", {})}
        enum(va, "channel", VA_CHANNELS, problems, "paymentMethodOptions.virtualAccount.")
        options["virtualAccount"] = va
    if kind == "EWALLET":
        wallet = {"channel": "DANA", **options.get("ewallet", {})}  # likewise DANA
        enum(wallet, "channel", EWALLET_CHANNELS, problems, "paymentMethodOptions.ewallet.")
        options["ewallet"] = wallet
    if kind == "QR":
        enum(options.get("qr", {}), "acquirer", ("BRI", "BNC"), problems, "paymentMethodOptions.qr.")
    if kind == "CARD":
        card = options.get("card", {})
        enum(card, "captureMethod", ("automatic", "manual", "AUTOMATIC", "MANUAL"), problems, "paymentMethodOptions.card.")
    return {**method, "type": kind}, (options or None)


def create_request(body: object) -> dict:
    """``POST /v2/payments``: the decoded request (``expiryAt`` as epoch ms), or 400."""
    problems = Problems()
    if not isinstance(body, dict):
        problems.add("", "the body must be a JSON object")
        problems.raise_if_any()
    reference = body.get("clientReferenceId")
    if not isinstance(reference, str) or not CLIENT_REFERENCE.fullmatch(reference):
        problems.add("clientReferenceId", "clientReferenceId must be 1–100 visible characters")
    decoded = {"clientReferenceId": reference, "amount": amount(body, "amount", problems, required=False)}
    for name in ("autoConfirm",):
        if boolean(body, name, problems) is not None:
            decoded[name] = body[name]
    for name, values in (("mode", ("REDIRECT", "API")), ("paymentType", ("SINGLE", "MULTIPLE"))):
        if enum(body, name, values, problems) is not None:
            decoded[name] = body[name]
    method, options = payment_method(body, problems, required=False)
    decoded["paymentMethod"], decoded["paymentMethodOptions"] = method, options
    if body.get("expiryAt") is not None:
        decoded["expiryAt"] = parse_instant(body["expiryAt"])
        if decoded["expiryAt"] is None:
            problems.add("expiryAt", "expiryAt must be an ISO-8601 instant with an offset, e.g. 2025-03-31T23:59:05Z")
    descriptor = body.get("statementDescriptor")
    if descriptor is not None:
        if not isinstance(descriptor, str) or len(descriptor) > 20:
            problems.add("statementDescriptor", "statementDescriptor must be a string of at most 20 characters")
        decoded["statementDescriptor"] = descriptor
    if object_or_none(body, "metadata", problems) is not None:
        decoded["metadata"] = body["metadata"]
    problems.raise_if_any()
    return decoded


def confirm_request(body: object) -> tuple[dict, dict | None]:
    problems = Problems()
    if not isinstance(body, dict):
        problems.add("", "the body must be a JSON object")
        problems.raise_if_any()
    method, options = payment_method(body, problems, required=True)
    problems.raise_if_any()
    return method, options


def cancel_request(body: object) -> str:
    problems = Problems()
    reason = body.get("cancellationReason") if isinstance(body, dict) else None
    if reason not in CANCEL_REASONS:
        problems.add("cancellationReason", f"cancellationReason must be one of {', '.join(CANCEL_REASONS)}")
    problems.raise_if_any()
    return reason


def capture_request(body: object) -> tuple[dict | None, bool]:
    problems = Problems()
    if not isinstance(body, dict):
        body = {}
        problems.add("", "the body must be a JSON object")
    if not isinstance(body.get("releaseRemainingAmount"), bool):
        problems.add("releaseRemainingAmount", "releaseRemainingAmount is required: true or false")
    value = amount(body, "amount", problems, required=False)
    problems.raise_if_any()
    return value, body["releaseRemainingAmount"]


def simulation_request(body: object) -> tuple[str, str, dict | None]:
    problems = Problems()
    if not isinstance(body, dict):
        body = {}
        problems.add("", "the body must be a JSON object")
    session_id = body.get("paymentSessionId")
    if not isinstance(session_id, str) or not 1 <= len(session_id) <= 100:
        problems.add("paymentSessionId", "paymentSessionId is required")
    status = body.get("chargeStatus")
    if status not in ("SUCCESS", "EXPIRED"):
        problems.add("chargeStatus", "chargeStatus must be SUCCESS or EXPIRED")
    value = amount(body, "amount", problems, required=False)
    problems.raise_if_any()
    return session_id, status, value


def page_params(query: dict) -> tuple[int, int]:
    """``page`` (from 1) and ``perPage`` (1–100, default 20), as the pagination page documents."""
    problems = Problems()
    result = []
    for name, default, highest in (("page", 1, None), ("perPage", 20, 100)):
        text = query.get(name, [str(default)])[0]
        if not text.isdigit() or int(text) < 1 or (highest is not None and int(text) > highest):
            problems.add(name, f"{name} must be an integer from 1" + (f" to {highest}" if highest else ""))
            result.append(default)
        else:
            result.append(int(text))
    problems.raise_if_any()
    return result[0], result[1]


REFUND_REASONS = ("SUSPECT_FRAUDULENT", "DUPLICATE", "REQUESTED_BY_CUSTOMER", "CANCELLATION", "OTHERS")
REFUND_METHODS = ("AUTO", "TRANSFER_ONLY")
REFUND_STATUSES = ("PENDING", "WAITING_BANK_TRANSFER", "SUCCESS", "FAILED", "CANCELLED")
REFUND_VALUE = re.compile(r"(0|[1-9][0-9]{0,17})(\.0{1,2})?")  # whole rupiah: "5000", "5000.00"


def refund_request(body: object) -> dict:
    """``POST /v1/refunds`` (R2, R3). A refund's ``amount.value`` is a decimal string of whole rupiah
    ("10000.00"); "0", "-1", "abc", "10.50" or a number are refused at ``amount.value``."""
    problems = Problems()
    if not isinstance(body, dict):
        body = {}
        problems.add("", "the body must be a JSON object")
    reference = body.get("clientReferenceId")
    if not isinstance(reference, str) or not CLIENT_REFERENCE.fullmatch(reference):
        problems.add("clientReferenceId", "clientReferenceId is required: 1–100 visible characters")
    for name in ("paymentSessionId", "chargeId"):
        value = body.get(name)
        if (value is not None or name == "paymentSessionId") and (not isinstance(value, str) or not 1 <= len(value) <= 100):
            problems.add(name, f"{name} must be a string of 1–100 characters")
    full = boolean(body, "isFullAmount", problems) or False
    amount = object_or_none(body, "amount", problems)
    if body.get("amount") is None and not full:
        problems.add("amount", "amount is required unless isFullAmount is true")
    if amount is not None:
        value = amount.get("value")
        if not isinstance(value, str) or not REFUND_VALUE.fullmatch(value) or int(value.split(".")[0]) < 1:
            problems.add("amount.value", 'amount.value must be at least 1: a decimal string of whole rupiah, e.g. "10000.00"')
            value = None
        else:
            value = int(value.split(".")[0])
        if not isinstance(amount.get("currency"), str) or not re.fullmatch(r"[A-Z]{3}", amount["currency"]):
            problems.add("amount.currency", "amount.currency must be an ISO 4217 code such as IDR")
        amount = {"value": value, "currency": amount.get("currency")}
    reason = body.get("reason")
    if reason not in REFUND_REASONS:
        problems.add("reason", f"reason must be one of {', '.join(REFUND_REASONS)}")
    description = body.get("description")
    if description is not None and (not isinstance(description, str) or len(description) > 50):
        problems.add("description", "description must be a string of at most 50 characters")
    method = enum(body, "method", REFUND_METHODS, problems) or "AUTO"
    destination = object_or_none(body, "transferDestination", problems)
    metadata = object_or_none(body, "metadata", problems)
    problems.raise_if_any()
    return {
        "clientReferenceId": reference,
        "paymentSessionId": body["paymentSessionId"],
        "chargeId": body.get("chargeId"),
        "isFullAmount": full,
        "amount": amount,
        "reason": reason,
        "description": description,
        "method": method,
        "transferDestination": destination,
        "metadata": metadata,
    }


def refund_filters(query: dict) -> dict:
    """``GET /v1/refunds``: paymentSessionId, clientReferenceId and status, each optional."""
    problems = Problems()
    filters = {name: query.get(name, [None])[0] for name in ("paymentSessionId", "clientReferenceId", "status")}
    if filters["status"] is not None and filters["status"] not in REFUND_STATUSES:
        problems.add("status", f"status must be one of {', '.join(REFUND_STATUSES)}")
    problems.raise_if_any()
    return filters
