import { Result, Schema } from "effect";
import { describe, expect, it } from "vitest";
import {
  AccessTokenResponse,
  ApiValidationError,
  apiTitle,
  apiVersion,
  CaptureResponse,
  ChargeListResponse,
  CredentialsInvalidError,
  IdempotencyError,
  openApiDocument,
  PayloadTooLargeError,
  PaymentSessionListResponse,
  PaymentSessionResponse,
  RefundListResponse,
  RefundResponse,
  ResourceMissingError,
  renderOpenApi,
  ServiceUnavailableError,
  SimulationResponse,
  UnprocessableError,
  UnsupportedMediaTypeError,
} from "../../src/api/index.js";
import { defaultPaymentMethodConfig } from "../../src/lifecycle/index.js";
import {
  AccessTokenRequest,
  CancelPaymentSessionRequest,
  CapturePaymentSessionRequest,
  ConfirmPaymentSessionRequest,
  CreatePaymentSessionRequest,
  CreateRefundRequest,
  ListPaymentSessionsQuery,
  PaymentMethod,
  paymentMethodTypes,
  SimulationRequest,
  withPageDefaults,
} from "../../src/schemas/index.js";

interface Expected {
  readonly method: "get" | "post";
  readonly path: string;
  readonly operationId: string;
  readonly secured: boolean;
  readonly statuses: ReadonlyArray<string>;
  readonly headers: ReadonlyArray<string>;
}

/** Every operation takes the sub-account header (decision S5); a POST also the idempotency key. */
const get = ["x-submerchant-id"];
const post = [...get, "x-request-id"];
const expected: ReadonlyArray<Expected> = [
  {
    method: "post",
    path: "/v1/access-token",
    operationId: "auth.accessToken",
    secured: false,
    statuses: ["200", "400", "401", "413", "415"],
    headers: ["x-merchant-id", "x-merchant-secret", ...post],
  },
  {
    method: "post",
    path: "/v2/payments",
    operationId: "payments.create",
    secured: true,
    statuses: ["200", "400", "401", "409", "413", "415", "503"],
    headers: post,
  },
  {
    method: "post",
    path: "/v2/payments/{id}/confirm",
    operationId: "payments.confirm",
    secured: true,
    statuses: ["200", "400", "401", "404", "409", "413", "415", "422", "503"],
    headers: post,
  },
  {
    method: "get",
    path: "/v2/payments/{id}",
    operationId: "payments.get",
    secured: true,
    statuses: ["200", "400", "401", "404", "503"],
    headers: get,
  },
  {
    method: "get",
    path: "/v2/payments",
    operationId: "payments.list",
    secured: true,
    statuses: ["200", "400", "401", "503"],
    headers: get,
  },
  {
    method: "post",
    path: "/v2/payments/{id}/cancel",
    operationId: "payments.cancel",
    secured: true,
    statuses: ["200", "400", "401", "404", "409", "413", "415", "422", "503"],
    headers: post,
  },
  {
    method: "post",
    path: "/v2/payments/{id}/capture",
    operationId: "payments.capture",
    secured: true,
    statuses: ["200", "400", "401", "404", "409", "413", "415", "422", "503"],
    headers: post,
  },
  {
    method: "get",
    path: "/v2/charges",
    operationId: "charges.list",
    secured: true,
    statuses: ["200", "400", "401", "503"],
    headers: get,
  },
  {
    method: "post",
    path: "/v2/payments/simulations",
    operationId: "payments.simulate",
    secured: true,
    statuses: ["200", "400", "401", "404", "409", "413", "415", "422", "503"],
    headers: post,
  },
  {
    method: "post",
    path: "/v1/refunds",
    operationId: "refunds.create",
    secured: true,
    statuses: ["200", "400", "401", "404", "409", "413", "415", "422", "503"],
    headers: post,
  },
  {
    method: "get",
    path: "/v1/refunds/{id}",
    operationId: "refunds.get",
    secured: true,
    statuses: ["200", "400", "401", "404", "503"],
    headers: get,
  },
  {
    method: "get",
    path: "/v1/refunds",
    operationId: "refunds.list",
    secured: true,
    statuses: ["200", "400", "401", "503"],
    headers: get,
  },
];

interface Operation {
  readonly operationId: string;
  readonly security: ReadonlyArray<Record<string, ReadonlyArray<string>>>;
  readonly responses: Record<string, { readonly content?: Record<string, { readonly schema: unknown }> }>;
  readonly parameters: ReadonlyArray<{
    readonly name: string;
    readonly in: string;
    readonly required?: boolean;
  }>;
  readonly requestBody?: unknown;
}

const doc = openApiDocument();
const operation = (path: string, method: string): Operation | undefined => {
  const item: Record<string, Operation> | undefined = (
    doc.paths as Record<string, Record<string, Operation>>
  )[path];
  return item?.[method];
};

describe("the OpenAPI document describes every endpoint this project serves", () => {
  it("has the title and version", () => {
    expect(doc.info.title).toBe(apiTitle);
    expect(doc.info.title).toBe("Pivot Payments v2 (payment-session)");
    expect(doc.info.version).toBe(apiVersion);
    expect(doc.openapi).toBe("3.1.0");
  });

  it("declares the Bearer scheme", () => {
    expect(doc.components.securitySchemes).toEqual({ bearer: { type: "http", scheme: "Bearer" } });
  });

  it("lists exactly the served operations", () => {
    const served = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item as object).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(served.sort()).toEqual(expected.map((e) => `${e.method.toUpperCase()} ${e.path}`).sort());
  });

  for (const e of expected) {
    describe(`${e.method.toUpperCase()} ${e.path}`, () => {
      const op = operation(e.path, e.method);

      it(`is ${e.operationId}`, () => {
        expect(op?.operationId).toBe(e.operationId);
      });

      it(e.secured ? "is secured by the Bearer token" : "is not Bearer-secured", () => {
        expect(op?.security).toEqual(e.secured ? [{ bearer: [] }] : []);
      });

      it(`answers ${e.statuses.join(", ")} with JSON bodies`, () => {
        expect(Object.keys(op?.responses ?? {}).sort()).toEqual([...e.statuses].sort());
        for (const status of e.statuses) {
          expect(op?.responses[status]?.content?.["application/json"]?.schema).toBeDefined();
        }
      });

      it("takes its headers and path parameter", () => {
        const headers = (op?.parameters ?? []).filter((p) => p.in === "header").map((p) => p.name);
        expect(headers).toEqual(e.headers);
        const optionalRequestId = (op?.parameters ?? []).find((p) => p.name === "x-request-id");
        if (optionalRequestId !== undefined) expect(optionalRequestId.required).toBe(false);
        const pathParams = (op?.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name);
        expect(pathParams).toEqual(e.path.includes("{id}") ? ["id"] : []);
        expect(op?.requestBody !== undefined).toBe(e.method === "post");
      });
    });
  }

  it("documents the error envelope and its statuses' components", () => {
    const schemas = Object.keys(doc.components.schemas);
    expect(schemas).toEqual(
      expect.arrayContaining([
        "ApiValidationErrorEncoded",
        "CredentialsInvalidErrorEncoded",
        "ResourceMissingErrorEncoded",
        "IdempotencyErrorEncoded",
        "UnprocessableErrorEncoded",
        "PaymentSession",
        "Charge",
        "CreatePaymentSessionRequest",
      ]),
    );
  });

  it("does not claim to refuse unknown fields (liberal reader, decision C7)", () => {
    expect(renderOpenApi()).not.toContain('"additionalProperties": false');
  });
});

describe("rendering", () => {
  it("is deterministic: twice the same text, ending with a newline", () => {
    const first = renderOpenApi();
    expect(renderOpenApi()).toBe(first);
    expect(first.endsWith("}\n")).toBe(true);
    expect(JSON.parse(first)).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });
});

describe("what third-party tools read beyond the schemas", () => {
  it("names the sandbox and production hosts of the facts (§1)", () => {
    expect(doc.servers?.map((s) => s.url)).toEqual([
      "https://api-stg.pivot-payment.com",
      "https://api.pivot-payment.com",
    ]);
  });

  it("describes every operation and every parameter", () => {
    for (const e of expected) {
      const op = operation(e.path, e.method) as (Operation & { description?: string }) | undefined;
      expect(op?.description, e.operationId).toMatch(/\S{10,}/u);
      for (const p of op?.parameters ?? []) {
        expect((p as { description?: string }).description, `${e.operationId} ${p.name}`).toMatch(/\S/u);
      }
    }
  });

  it("fixes the error code per status, so a client can narrow on it", () => {
    const codeEnum = (component: string): unknown =>
      (doc.components.schemas[component] as { properties: { code: { enum?: unknown } } }).properties.code
        .enum;
    expect(codeEnum("ApiValidationErrorEncoded")).toEqual(["api_validation_error"]);
    expect(codeEnum("CredentialsInvalidErrorEncoded")).toEqual(["credentials_invalid"]);
    expect(codeEnum("ResourceMissingErrorEncoded")).toEqual(["resource_missing"]);
    expect(codeEnum("IdempotencyErrorEncoded")).toEqual(["idempotency_error", "duplicate_error"]);
    expect(codeEnum("UnprocessableErrorEncoded")).toEqual([
      "invalid_state",
      "amount_mismatch",
      "full_refund_not_allowed",
      "amount_exceeds_refundable",
    ]);
    expect(codeEnum("PayloadTooLargeErrorEncoded")).toEqual(["api_validation_error"]);
    expect(codeEnum("UnsupportedMediaTypeErrorEncoded")).toEqual(["api_validation_error"]);
    expect(codeEnum("ServiceUnavailableErrorEncoded")).toEqual(["service_unavailable"]);
  });

  it("shows PaymentMethod as a oneOf discriminated on type, each branch with its own part only, as the decoder reads it", () => {
    const schemas = doc.components.schemas as Record<string, Record<string, unknown>>;
    const union = schemas.PaymentMethod as {
      oneOf?: ReadonlyArray<{ $ref: string }>;
      anyOf?: unknown;
      discriminator?: { propertyName: string; mapping: Record<string, string> };
    };
    expect(union.anyOf).toBeUndefined();
    expect(union.discriminator?.propertyName).toBe("type");
    expect(Object.keys(union.discriminator?.mapping ?? {}).sort()).toEqual([...paymentMethodTypes].sort());
    expect(union.oneOf?.map((b) => b.$ref).sort()).toEqual(
      Object.values(union.discriminator?.mapping ?? {}).sort(),
    );
    const parts = { CARD: "card", VIRTUAL_ACCOUNT: "virtualAccount", QR: "qr", EWALLET: "ewallet" } as const;
    const decode = Schema.decodeUnknownSync(PaymentMethod);
    for (const type of paymentMethodTypes) {
      const ref = union.discriminator?.mapping[type] ?? "";
      const branch = schemas[ref.replace("#/components/schemas/", "")] as {
        properties: Record<string, unknown>;
        required: ReadonlyArray<string>;
      };
      expect(Object.keys(branch.properties).sort(), type).toEqual(["type", parts[type]].sort());
      expect(branch.required).toEqual(["type"]);
      // The decoder keeps the branch's own part and drops the others (unknown fields, decision C7).
      const everyPart = Object.fromEntries(Object.values(parts).map((part) => [part, {}]));
      expect(decode({ type, ...everyPart })).toEqual({ type, [parts[type]]: {} });
    }
  });

  it("carries the per-method amount limits of the default config on create and confirm", () => {
    for (const path of ["/v2/payments", "/v2/payments/{id}/confirm"]) {
      const op = operation(path, "post") as unknown as Record<string, unknown>;
      const limits = op["x-amount-limits"] as Record<string, { minimum: number; maximum: number }>;
      for (const [method, config] of Object.entries(defaultPaymentMethodConfig.methods)) {
        expect(limits[method]).toMatchObject({
          minimum: config.minimumAmount,
          maximum: config.maximumAmount,
        });
      }
    }
  });
});

describe("page and perPage are documented as the integers the decoder takes", () => {
  const decode = Schema.decodeUnknownResult(ListPaymentSessionsQuery);
  const accepts = (key: "page" | "perPage", value: number) =>
    Result.isSuccess(decode({ [key]: String(value) }));
  for (const path of ["/v2/payments", "/v2/charges"]) {
    for (const name of ["page", "perPage"] as const) {
      it(`${path} ${name}: the document's bounds are the decoder's bounds`, () => {
        const param = operation(path, "get")?.parameters.find((p) => p.name === name) as unknown as {
          schema: { type: string; minimum: number; maximum: number; default: number };
        };
        expect(param.schema.type).toBe("integer");
        expect(accepts(name, param.schema.minimum)).toBe(true);
        expect(accepts(name, param.schema.minimum - 1)).toBe(false);
        expect(accepts(name, param.schema.maximum)).toBe(true);
        expect(accepts(name, param.schema.maximum + 1)).toBe(false);
        expect(withPageDefaults({})[name]).toBe(param.schema.default);
      });
    }
  }
});

describe("every example in the document decodes with the schema it illustrates", () => {
  const errorClassOf: Record<string, Schema.Top> = {
    "400": ApiValidationError,
    "401": CredentialsInvalidError,
    "404": ResourceMissingError,
    "409": IdempotencyError,
    "413": PayloadTooLargeError,
    "415": UnsupportedMediaTypeError,
    "422": UnprocessableError,
    "503": ServiceUnavailableError,
  };
  const successOf: Record<string, Schema.Top> = {
    "auth.accessToken": AccessTokenResponse,
    "payments.create": PaymentSessionResponse,
    "payments.confirm": PaymentSessionResponse,
    "payments.get": PaymentSessionResponse,
    "payments.list": PaymentSessionListResponse,
    "payments.cancel": PaymentSessionResponse,
    "payments.capture": CaptureResponse,
    "payments.simulate": SimulationResponse,
    "charges.list": ChargeListResponse,
    "refunds.create": RefundResponse,
    "refunds.get": RefundResponse,
    "refunds.list": RefundListResponse,
  };
  const requestOf: Record<string, Schema.Top> = {
    "auth.accessToken": AccessTokenRequest,
    "payments.create": CreatePaymentSessionRequest,
    "payments.confirm": ConfirmPaymentSessionRequest,
    "payments.cancel": CancelPaymentSessionRequest,
    "payments.capture": CapturePaymentSessionRequest,
    "payments.simulate": SimulationRequest,
    "refunds.create": CreateRefundRequest,
  };
  const exampleOf = (holder: unknown): unknown =>
    (holder as { content?: { "application/json"?: { example?: unknown } } } | undefined)?.content?.[
      "application/json"
    ]?.example;

  for (const e of expected) {
    it(`${e.operationId}: the request and every declared answer have an example that decodes`, () => {
      const op = operation(e.path, e.method);
      const request = requestOf[e.operationId];
      if (request !== undefined) {
        const example = exampleOf(op?.requestBody);
        expect(Result.isSuccess(Schema.decodeUnknownResult(request as never)(example))).toBe(true);
      }
      for (const status of e.statuses) {
        const schema = status === "200" ? successOf[e.operationId] : errorClassOf[status];
        const example = exampleOf(op?.responses[status]);
        expect(example, `${e.operationId} ${status}`).toBeDefined();
        const decoded = Schema.decodeUnknownResult(schema as never)(example);
        expect(Result.isSuccess(decoded), `${e.operationId} ${status}`).toBe(true);
      }
    });
  }
});
