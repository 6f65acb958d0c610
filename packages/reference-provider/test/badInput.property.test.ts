/**
 * Bad input, as a property: malformed bodies (wrong types, missing fields, over-long strings,
 * negative and fractional amounts, unknown enums and currencies, bad dates, invalid JSON,
 * non-objects, NUL bytes and lone surrogates in free text and metadata keys, deep nesting,
 * `__proto__` / `constructor` keys, bodies over 1 MB), header blocks over 16 KB and malformed
 * queries sent to every endpoint are answered with a 4xx in the envelope, with the field path where
 * one applies, never a 5xx — and the database does not change, nor does `Object.prototype`.
 *
 * At least 10 000 requests per driver (`BAD_INPUT_REQUESTS`), sent in concurrent batches of
 * {@link batchSize}; the database is compared after every batch.
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
/** Requests per driver: 10 000 by default (CI), fewer locally with `BAD_INPUT_REQUESTS`. */
const requestCount = Math.max(1, Number(process.env.BAD_INPUT_REQUESTS ?? 10_000));
/** Requests sent at once; the database is checked after each batch. */
const batchSize = 50;
const numRuns = Math.ceil(requestCount / batchSize);
console.log(`bad input: ${numRuns * batchSize} requests per driver (seed ${seed})`);

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
/** Text the API refuses (decision H1): NUL bytes and lone surrogates, alone or inside text. */
const unstorableText = fc
  .tuple(
    fc.string({ maxLength: 8 }),
    fc.constantFrom("\u0000", "\ud800", "\udbff", "\udc00", "\udfff", "\udc00\ud800"),
    fc.string({ maxLength: 8 }),
  )
  .map(([before, bad, after]) => `${before}${bad}${after}`);
const notIdr = fc.constantFrom("ZZZ", "A", "USD", "EUR", "XYZ");
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
      { path: ["statementDescriptor"], bad: fc.oneof(tooLong(20), fc.integer(), unstorableText) },
      { path: ["customerId"], bad: unstorableText },
      { path: ["amount", "currency"], bad: notIdr },
      { path: ["paymentMethodOptions", "virtualAccount", "virtualAccountName"], bad: unstorableText },
      { path: ["metadata"], bad: fc.constantFrom("x", 1, [1, 2], true) },
      { path: ["metadata", "note"], bad: unstorableText },
      { path: ["metadata", "lines"], bad: unstorableText.map((text) => [{ ok: "fine" }, { note: text }]) },
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
      { path: ["paymentMethodOptions", "virtualAccount", "virtualAccountName"], bad: unstorableText },
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
  // Not `POST /v1/access-token`: it never refuses for its body (decision C7 extended); what it
  // accepts and refuses is in frontDoor.test.ts.
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
      /** The status it must get, when only one is right. */
      readonly status?: number;
    }
  | { readonly kind: "query"; readonly path: string; readonly field: string }
  | { readonly kind: "header"; readonly endpoint: EndpointCase; readonly bytes: number };

const oversized = `{"clientReferenceId":"${"x".repeat(1_100_000)}"}`;

/** A body nested `depth` levels deep (objects or arrays), inside an otherwise plausible body. */
const deeplyNested = fc
  .tuple(fc.integer({ min: 65, max: 50_000 }), fc.boolean(), fc.boolean())
  .map(([depth, arrays, wrapped]) => {
    const nest = arrays
      ? `${"[".repeat(depth)}${"]".repeat(depth)}`
      : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
    return wrapped ? `{"clientReferenceId":"deep","metadata":{"x":${nest}}}` : nest;
  });

/**
 * Bodies that try to reach `Object.prototype` or smuggle a field through `__proto__`: each is
 * otherwise invalid for every endpoint (so a 4xx is right), and none may pollute the process.
 */
const prototypeKeys = fc.constantFrom(
  '{"__proto__":{"polluted":"yes","paymentMethod":{"type":"QR"},"cancellationReason":"DUPLICATED"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}},"clientReferenceId":""}',
  '{"clientReferenceId":"","metadata":{"__proto__":{"polluted":"yes"}}}',
  '{"__proto__":[],"amount":{"__proto__":{"value":20000,"currency":"IDR"}}}',
  '{"paymentMethod":{"__proto__":{"type":"QR"}},"grantType":{"__proto__":"client_credentials"}}',
);

const badRequest: fc.Arbitrary<BadRequest> = fc.oneof(
  {
    weight: 60,
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
    weight: 20,
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
    weight: 10,
    arbitrary: fc
      .tuple(fc.constantFrom(...endpoints), deeplyNested)
      .map(
        ([endpoint, text]): BadRequest => ({ kind: "raw", endpoint, text, expectField: false, status: 400 }),
      ),
  },
  {
    weight: 5,
    arbitrary: fc
      .tuple(fc.constantFrom(...endpoints), prototypeKeys)
      .map(([endpoint, text]): BadRequest => ({ kind: "raw", endpoint, text, expectField: false })),
  },
  {
    // Rare: each is over 1 MB.
    weight: 1,
    arbitrary: fc
      .constantFrom(...endpoints)
      .map((endpoint): BadRequest => ({ kind: "raw", endpoint, text: oversized, expectField: false })),
  },
  {
    weight: 5,
    arbitrary: fc
      .tuple(fc.constantFrom(...endpoints), fc.integer({ min: 17_000, max: 64_000 }))
      .map(([endpoint, bytes]): BadRequest => ({ kind: "header", endpoint, bytes })),
  },
  {
    weight: 10,
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
      if (request.kind === "header") {
        const headers = { ...options.headers, "x-padding": "p".repeat(request.bytes) };
        return h.http.post(request.endpoint.path(id), request.endpoint.valid(id), { ...options, headers });
      }
      if (request.kind === "raw")
        return h.http.post(request.endpoint.path(id), undefined, { ...options, rawBody: request.text });
      const body = setPath(request.endpoint.valid(id), request.field.path, request.value);
      return h.http.post(request.endpoint.path(id), body, options);
    };

    /** One answer: a 4xx in the envelope, naming the field where one applies. */
    const check = async (request: BadRequest) => {
      const reply = await send(request);
      expect(
        reply.status,
        `${request.kind} ${JSON.stringify(reply.body).slice(0, 300)}`,
      ).toBeGreaterThanOrEqual(400);
      expect(reply.status).toBeLessThan(500);
      const envelope = Schema.decodeUnknownSync(ErrorEnvelope)(reply.body);
      expect(envelope.error.traceId).toEqual(expect.any(String));
      if (reply.status === 400) expect(envelope.code).toBe("api_validation_error");
      const fields = (envelope.error.details ?? []).map((d) => d.field);
      if (request.kind === "field") {
        const path = request.field.path.join(".");
        expect(
          fields.some(
            (f) =>
              f === path || f.startsWith(`${path}.`) || f.startsWith(`${path}[`) || path.startsWith(`${f}.`),
          ),
          `${request.endpoint.name}: ${path} not in ${JSON.stringify(fields)}`,
        ).toBe(true);
      }
      if (request.kind === "query") expect(fields).toContain(request.field);
      if (request.kind === "header") expect(reply.status).toBe(431);
      if (request.kind === "raw" && request.status !== undefined) expect(reply.status).toBe(request.status);
    };

    it(`answers ${numRuns * batchSize} malformed requests with a 4xx envelope and changes nothing (seed ${seed})`, async () => {
      const before = await tableChecksum(h.db);
      await fc.assert(
        fc.asyncProperty(
          fc.array(badRequest, { minLength: batchSize, maxLength: batchSize }),
          async (batch) => {
            await Promise.all(batch.map(check));
            expect(await tableChecksum(h.db)).toEqual(before);
            expect(Reflect.get({}, "polluted")).toBeUndefined();
          },
        ),
        { seed, numRuns },
      );
    }, 600_000);

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
