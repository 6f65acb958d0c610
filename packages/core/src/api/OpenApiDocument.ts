/**
 * The OpenAPI 3.1 document of {@link PaymentsApi}, for `docs/openapi.json`.
 *
 * @since 0.1.0
 */
import { OpenApi } from "effect/http-api";
import { PaymentsApi } from "./PaymentsApi.js";

/**
 * The OpenAPI 3.1 document derived from {@link PaymentsApi} (title "Pivot Payments v2
 * (payment-session)", version {@link apiVersion}). A fresh copy on every call.
 *
 * @since 0.1.0
 * @category API description
 */
export const openApiDocument = (): OpenApi.OpenAPISpec => OpenApi.fromApi(PaymentsApi);

const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
};

/**
 * The OpenAPI document as text: 2-space JSON with a final newline. Deterministic: object keys are
 * sorted, so the same API always renders the same bytes (fit for a `docs:check` diff).
 *
 * @since 0.1.0
 * @category API description
 */
export const renderOpenApi = (): string => `${JSON.stringify(sortKeys(openApiDocument()), null, 2)}\n`;
