import { describe, expect, it } from "vitest";
import { apiTitle, apiVersion, openApiDocument, renderOpenApi } from "../../src/api/index.js";

interface Expected {
  readonly method: "get" | "post";
  readonly path: string;
  readonly operationId: string;
  readonly secured: boolean;
  readonly statuses: ReadonlyArray<string>;
  readonly headers: ReadonlyArray<string>;
}

const post = ["x-request-id"];
const expected: ReadonlyArray<Expected> = [
  {
    method: "post",
    path: "/v1/access-token",
    operationId: "auth.accessToken",
    secured: false,
    statuses: ["200", "400", "401"],
    headers: ["x-merchant-id", "x-merchant-secret", ...post],
  },
  {
    method: "post",
    path: "/v2/payments",
    operationId: "payments.create",
    secured: true,
    statuses: ["200", "400", "401", "409"],
    headers: post,
  },
  {
    method: "post",
    path: "/v2/payments/{id}/confirm",
    operationId: "payments.confirm",
    secured: true,
    statuses: ["200", "400", "401", "404", "409", "422"],
    headers: post,
  },
  {
    method: "get",
    path: "/v2/payments/{id}",
    operationId: "payments.get",
    secured: true,
    statuses: ["200", "400", "401", "404"],
    headers: [],
  },
  {
    method: "get",
    path: "/v2/payments",
    operationId: "payments.list",
    secured: true,
    statuses: ["200", "400", "401"],
    headers: [],
  },
  {
    method: "post",
    path: "/v2/payments/{id}/cancel",
    operationId: "payments.cancel",
    secured: true,
    statuses: ["200", "400", "401", "404", "409", "422"],
    headers: post,
  },
  {
    method: "post",
    path: "/v2/payments/{id}/capture",
    operationId: "payments.capture",
    secured: true,
    statuses: ["200", "400", "401", "404", "409", "422"],
    headers: post,
  },
  {
    method: "get",
    path: "/v2/charges",
    operationId: "charges.list",
    secured: true,
    statuses: ["200", "400", "401"],
    headers: [],
  },
  {
    method: "post",
    path: "/v2/payments/simulations",
    operationId: "payments.simulate",
    secured: true,
    statuses: ["200", "400", "401", "404", "409", "422"],
    headers: post,
  },
  {
    method: "post",
    path: "/v1/refunds",
    operationId: "refunds.create",
    secured: true,
    statuses: ["200", "400", "401", "404", "409", "422"],
    headers: post,
  },
  {
    method: "get",
    path: "/v1/refunds/{id}",
    operationId: "refunds.get",
    secured: true,
    statuses: ["200", "400", "401", "404"],
    headers: [],
  },
  {
    method: "get",
    path: "/v1/refunds",
    operationId: "refunds.list",
    secured: true,
    statuses: ["200", "400", "401"],
    headers: [],
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
