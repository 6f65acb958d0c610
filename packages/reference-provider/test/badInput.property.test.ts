/**
 * Bad input, as a property: malformed bodies (wrong types, missing fields, over-long strings,
 * negative and fractional amounts, unknown enums, bad dates, invalid JSON, non-objects, bodies
 * over 1 MB) and malformed queries sent to every endpoint are answered with a 4xx in the envelope,
 * with the field path where one applies, never a 5xx — and the database does not change.
 */
import { ErrorEnvelope } from "@payment-session/core";
import { Schema } from "effect";
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { demoMerchant } from "../src/index.js";
import {
  drivers,
  type Reply,
  sessionOf,
  tableChecksum,
  useProvider,
  vaCreateBody,
} from "./support/provider.js";

const seed = Number(process.env.FC_SEED ?? 20261124);
const numRuns = 250;

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json };

/** One field of one endpoint and values it must refuse. */
interface FieldCase {
  readonly path: ReadonlyArray<string>;
  readonly bad: fc.Arbitrary<Json | undefined>;
}

interface EndpointCase {
  readonly name: string;
  readonly path: (id: string) => string;
  readonly valid: (id: string) => { readonly [key: string]: Json };
  readonly fields: ReadonlyArray<FieldCase>;
  readonly headers?: Readonly<Record<string, string>>;
}

const missing = fc.constant(undefined);
const notAString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}));
const notABoolean = fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.constant("true"));
const unknownEnum = (known: ReadonlyArray<string>) =>
  fc
    .oneof(fc.string({ minLength: 1, maxLength: 30 }), fc.constantFrom("", "va", "Paid", "REDIRECT "))
    .filter((s) => !known.includes(s));
const badAmountValue = fc.oneof(
  fc.integer({ min: -1_000_000_000, max: 0 }),
  fc
    .double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true })
    .filter((d) => !Number.isInteger(d)),
  fc.constant(Number.MAX_SAFE_INTEGER + 2),
  fc.constantFrom("10000", "10.000", null),
);
const badInstant = fc.oneof(
  fc.constantFrom(
    "2026-13-01T00:00:00Z",
    "2026-02-30T10:00:00Z",
    "2026-03-01T24:00:00Z",
    "2026-03-01",
    "2026-03-01T10:00:00",
    "tomorrow",
    "",
    "99-03-01T10:00:00Z",
  ),
  fc.integer(),
);
const tooLong = (max: number) => fc.integer({ min: max + 1, max: max + 5000 }).map((n) => "x".repeat(n));

const endpoints: ReadonlyArray<EndpointCase> = [
  {
    name: "create",
    path: () => "/v2/payments",
    valid: () => vaCreateBody({ clientReferenceId: "bad-input" }),
    fields: [
      {
        path: ["clientReferenceId"],
        bad: fc.oneof(missing, notAString, tooLong(100), fc.constantFrom("", "a b", "tab\there")),
      },
      { path: ["amount"], bad: fc.oneof(missing, fc.constantFrom(null, 20000, "20000", [])) },
      { path: ["amount", "value"], bad: fc.oneof(missing, badAmountValue) },
      { path: ["mode"], bad: unknownEnum(["REDIRECT", "API"]) },
      { path: ["paymentType"], bad: unknownEnum(["SINGLE", "MULTIPLE"]) },
      { path: ["autoConfirm"], bad: notABoolean },
      {
        path: ["paymentMethod", "type"],
        bad: fc.oneof(missing, unknownEnum(["VIRTUAL_ACCOUNT", "QR", "CARD", "EWALLET"])),
      },
      {
        path: ["paymentMethodOptions", "virtualAccount", "channel"],
        bad: fc.oneof(
          missing,
          unknownEnum(["PERMATA", "BRI", "MANDIRI", "CIMB", "BNC", "BNI", "BCA", "BSI", "DANAMON"]),
        ),
      },
      { path: ["expiryAt"], bad: badInstant },
      { path: ["statementDescriptor"], bad: fc.oneof(tooLong(20), fc.integer()) },
      { path: ["metadata"], bad: fc.constantFrom("x", 1, [1, 2], true) },
    ],
  },
  {
    name: "confirm",
    path: (id) => `/v2/payments/${id}/confirm`,
    valid: () => ({
      paymentMethod: { type: "VIRTUAL_ACCOUNT" },
      paymentMethodOptions: { virtualAccount: { channel: "BRI" } },
    }),
    fields: [
      { path: ["paymentMethod"], bad: fc.oneof(missing, notAString) },
      {
        path: ["paymentMethod", "type"],
        bad: fc.oneof(missing, unknownEnum(["VIRTUAL_ACCOUNT", "QR", "CARD", "EWALLET"])),
      },
      {
        path: ["paymentMethodOptions", "virtualAccount", "channel"],
        bad: unknownEnum(["PERMATA", "BRI", "MANDIRI", "CIMB", "BNC", "BNI", "BCA", "BSI", "DANAMON"]),
      },
      { path: ["paymentMethodOptions", "virtualAccount", "expiryAt"], bad: badInstant },
    ],
  },
  {
    name: "cancel",
    path: (id) => `/v2/payments/${id}/cancel`,
    valid: () => ({ cancellationReason: "REQUESTED_BY_CUSTOMER" }),
    fields: [
      {
        path: ["cancellationReason"],
        bad: fc.oneof(
          missing,
          notAString,
          unknownEnum(["REQUESTED_BY_CUSTOMER", "DUPLICATED", "VOID_SESSION"]),
          fc.constantFrom("CHARGE_FAILED", "FRAUDULENT"),
        ),
      },
    ],
  },
  {
    name: "capture",
    path: (id) => `/v2/payments/${id}/capture`,
    valid: () => ({ releaseRemainingAmount: false, amount: { value: 1000, currency: "IDR" } }),
    fields: [
      { path: ["releaseRemainingAmount"], bad: fc.oneof(missing, notABoolean) },
      { path: ["amount", "value"], bad: fc.oneof(missing, badAmountValue) },
    ],
  },
  {
    name: "simulate",
    path: () => "/v2/payments/simulations",
    valid: (id) => ({ paymentSessionId: id, chargeStatus: "SUCCESS" }),
    fields: [
      { path: ["paymentSessionId"], bad: fc.oneof(missing, notAString, fc.constant(""), tooLong(100)) },
      { path: ["chargeStatus"], bad: fc.oneof(missing, notAString, unknownEnum(["SUCCESS", "EXPIRED"])) },
      { path: ["amount", "value"], bad: badAmountValue },
    ],
  },
  {
    name: "access token",
    path: () => "/v1/access-token",
    valid: () => ({ grantType: "client_credentials" }),
    headers: { "x-merchant-id": demoMerchant.id, "x-merchant-secret": demoMerchant.secret },
    fields: [
      { path: ["grantType"], bad: fc.oneof(missing, notAString, unknownEnum(["client_credentials"])) },
    ],
  },
];

const setPath = (
  body: { readonly [key: string]: Json },
  path: ReadonlyArray<string>,
  value: Json | undefined,
): { readonly [key: string]: Json } => {
  const [head, ...rest] = path;
  if (head === undefined) return body;
  const copy: { [key: string]: Json } = { ...body };
  if (rest.length === 0) {
    if (value === undefined) delete copy[head];
    else copy[head] = value;
    return copy;
  }
  const child = copy[head];
  const inner =
    typeof child === "object" && child !== null && !Array.isArray(child)
      ? (child as { readonly [key: string]: Json })
      : {};
  copy[head] = setPath(inner, rest, value);
  return copy;
};

/** A request: which endpoint, and what is wrong with it. */
type BadRequest =
  | {
      readonly kind: "field";
      readonly endpoint: EndpointCase;
      readonly field: FieldCase;
      readonly value: Json | undefined;
    }
  | {
      readonly kind: "raw";
      readonly endpoint: EndpointCase;
      readonly text: string;
      readonly expectField: boolean;
    }
  | { readonly kind: "query"; readonly path: string; readonly field: string };

const oversized = `{"clientReferenceId":"${"x".repeat(1_100_000)}"}`;

const badRequest: fc.Arbitrary<BadRequest> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .constantFrom(...endpoints)
      .chain((endpoint) =>
        fc
          .constantFrom(...endpoint.fields)
          .chain((field) =>
            field.bad.map((value): BadRequest => ({ kind: "field", endpoint, field, value })),
          ),
      ),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...endpoints),
        fc.oneof(
          fc.constantFrom(
            "{",
            '{"a":',
            "nul",
            "[1,2",
            "'x'",
            '{"clientReferenceId": undefined}',
            "{}}",
            "\u0000",
          ),
          fc.constantFrom("[]", "1", '"text"', "null", "true", "[{}]"),
        ),
      )
      .map(([endpoint, text]): BadRequest => ({ kind: "raw", endpoint, text, expectField: false })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(...endpoints)
      .map((endpoint): BadRequest => ({ kind: "raw", endpoint, text: oversized, expectField: false })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom("/v2/payments", "/v2/charges?clientReferenceId=REF"),
        fc.constantFrom("page", "perPage"),
        fc.constantFrom("0", "-1", "abc", "1.5", "1e2", "", "101"),
      )
      .filter(([, key, value]) => key === "perPage" || value !== "101")
      .map(
        ([base, key, value]): BadRequest => ({
          kind: "query",
          path: `${base}${base.includes("?") ? "&" : "?"}${key}=${encodeURIComponent(value)}`,
          field: key,
        }),
      ),
  },
);

for (const driver of drivers) {
  describe(`bad input (${driver.name})`, () => {
    const h = useProvider(driver);
    let ids: Readonly<Record<string, string>> = {};
    beforeEach(async () => {
      const action = sessionOf(await h.http.post("/v2/payments", vaCreateBody()));
      const confirmation = sessionOf(await h.http.post("/v2/payments", vaCreateBody({ autoConfirm: false })));
      ids = { action: action.id, confirmation: confirmation.id };
    });

    const send = async (request: BadRequest): Promise<Reply> => {
      if (request.kind === "query") return h.http.get(request.path);
      const id =
        request.endpoint.name === "confirm" || request.endpoint.name === "cancel"
          ? (ids.confirmation ?? "")
          : (ids.action ?? "");
      const options = {
        headers: request.endpoint.headers ?? {},
        ...(request.endpoint.headers === undefined ? {} : { merchant: null }),
      };
      if (request.kind === "raw")
        return h.http.post(request.endpoint.path(id), undefined, { ...options, rawBody: request.text });
      const body = setPath(request.endpoint.valid(id), request.field.path, request.value);
      return h.http.post(request.endpoint.path(id), body, options);
    };

    it(`answers ${numRuns} malformed requests with a 4xx envelope and changes nothing (seed ${seed})`, async () => {
      const before = await tableChecksum(h.db);
      await fc.assert(
        fc.asyncProperty(badRequest, async (request) => {
          const reply = await send(request);
          expect(reply.status).toBeGreaterThanOrEqual(400);
          expect(reply.status).toBeLessThan(500);
          const envelope = Schema.decodeUnknownSync(ErrorEnvelope)(reply.body);
          expect(envelope.error.traceId).toEqual(expect.any(String));
          if (reply.status === 400) expect(envelope.code).toBe("api_validation_error");
          const fields = (envelope.error.details ?? []).map((d) => d.field);
          // The access-token body is a one-literal struct: Effect reports its issues at the root
          // (field ""), so only the other endpoints must name the field.
          if (request.kind === "field" && request.endpoint.name !== "access token") {
            const path = request.field.path.join(".");
            expect(
              fields.some(
                (f) => f === path || f.startsWith(`${path}.`) || path.startsWith(`${f}.`) || path === f,
              ),
            ).toBe(true);
          }
          if (request.kind === "query") expect(fields).toContain(request.field);
          expect(await tableChecksum(h.db)).toEqual(before);
        }),
        { seed, numRuns },
      );
    });

    it("refuses a chunked body over 1 MB (no Content-Length) with 413 and stores nothing", async () => {
      const before = await tableChecksum(h.db);
      const chunk = new TextEncoder().encode(`{"clientReferenceId":"${"x".repeat(300_000)}`);
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent >= 5) controller.close();
          else {
            sent++;
            controller.enqueue(chunk);
          }
        },
      });
      const response = await fetch(`${h.provider.url}/v2/payments`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${h.provider.issueAccessToken(demoMerchant.id)}`,
          "content-type": "application/json",
        },
        body: stream,
        duplex: "half",
      } as RequestInit).catch((error: unknown) => error);
      if (response instanceof Response) {
        expect(response.status).toBe(413);
        expect(Schema.decodeUnknownSync(ErrorEnvelope)(await response.json()).code).toBe(
          "api_validation_error",
        );
      } else {
        // The server may cut the connection while the client is still sending: still no 5xx.
        expect(String(response)).toMatch(/fetch failed|other side closed|socket|reset/i);
      }
      expect(await tableChecksum(h.db)).toEqual(before);
    });
  });
}
