/**
 * What the OpenAPI document says beyond the schemas: operation descriptions, parameter
 * descriptions, the integer paging parameters and the request/answer examples. Internal to
 * {@link PaymentsApi}; each endpoint is annotated with {@link documented}, and the whole document
 * goes through {@link describeParameters}.
 *
 * @since 0.2.0
 */
import { OpenApi } from "effect/http-api";
import { defaultPaymentMethodConfig } from "../lifecycle/config.js";
import { pagingParameters } from "../schemas/Pagination.js";

type Json = Record<string, unknown>;

/** What one operation's documentation adds. @since 0.2.0 @category API description */
export interface OperationDocs {
  /** Markdown: what it does, when it is refused. */
  readonly description: string;
  /** Example request body (wire form). */
  readonly request?: unknown;
  /** Example answer per declared status (wire form). */
  readonly responses: Readonly<Record<number, unknown>>;
}

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null;

/** `content["application/json"]` of a request body or a response, when there is one. */
const jsonContent = (holder: unknown): Json | undefined => {
  if (!isObject(holder) || !isObject(holder.content)) return undefined;
  const json = holder.content["application/json"];
  return isObject(json) ? json : undefined;
};

/**
 * A parameter's description (lifted from its schema's `description`, which third-party tools do not
 * read there), and `page` / `perPage` as the bounded integers they decode to.
 */
const describeParameter = (path: string, parameter: unknown): unknown => {
  if (!isObject(parameter)) return parameter;
  const name = String(parameter.name);
  if (parameter.in === "query" && (name === "page" || name === "perPage")) {
    const paging = pagingParameters[name];
    return { ...parameter, description: paging.description, schema: { ...paging.schema } };
  }
  if (parameter.in === "path" && name === "id" && path.startsWith("/v2/payments/")) {
    return {
      ...parameter,
      description: "Pivot's id of the payment session (`data.id` of the create answer)",
    };
  }
  if (parameter.in === "path" && name === "id" && path.startsWith("/v1/refunds/")) {
    return { ...parameter, description: "The refund's id (`data.id` of the refund's create answer)" };
  }
  const schema = parameter.schema;
  const description =
    isObject(schema) && typeof schema.description === "string" ? schema.description : undefined;
  return description === undefined || parameter.description !== undefined
    ? parameter
    : { ...parameter, description };
};

/**
 * Describes the parameters of every operation of a document (see {@link describeParameter}): the
 * API-level `OpenApi.Transform` of {@link PaymentsApi} runs it, so a new endpoint gets it too.
 *
 * @since 0.2.0
 * @category API description
 */
export const describeParameters = (spec: Json): Json => {
  if (!isObject(spec.paths)) return spec;
  const paths = Object.fromEntries(
    Object.entries(spec.paths).map(([path, item]) => [
      path,
      isObject(item)
        ? Object.fromEntries(
            Object.entries(item).map(([method, operation]) => [
              method,
              isObject(operation) && Array.isArray(operation.parameters)
                ? { ...operation, parameters: operation.parameters.map((p) => describeParameter(path, p)) }
                : operation,
            ]),
          )
        : item,
    ]),
  );
  return { ...spec, paths };
};

/**
 * Adds {@link OperationDocs} to one operation of the document: the endpoint annotation
 * `OpenApi.Transform` calls it with the operation object Effect derived.
 */
const addDocs =
  (docs: OperationDocs) =>
  (operation: Json): Json => {
    const requestJson = jsonContent(operation.requestBody);
    if (requestJson !== undefined && docs.request !== undefined) requestJson.example = docs.request;
    const responses = isObject(operation.responses) ? operation.responses : {};
    for (const [status, example] of Object.entries(docs.responses)) {
      const json = jsonContent(responses[status]);
      if (json === undefined) {
        throw new Error(
          `OpenAPI docs: ${String(operation.operationId)} has an example for undeclared ${status}`,
        );
      }
      json.example = example;
    }
    return { ...operation, description: docs.description };
  };

/**
 * The annotation that documents an endpoint: `endpoint.annotateMerge(documented({...}))`.
 *
 * @since 0.2.0
 * @category API description
 */
export const documented = (docs: OperationDocs) => OpenApi.annotations({ transform: addDocs(docs) });

const formatAmount = (value: number): string => value.toLocaleString("en-US").replaceAll(",", " ");

/**
 * The per-method amount limits of the docs' example merchant config (decision C5), as a Markdown
 * table for the create and confirm descriptions. A merchant's own config may differ: an amount
 * outside its method's bounds is a 400 on `amount.value`.
 *
 * @since 0.2.0
 * @category API description
 */
export const amountLimitsMarkdown = (): string =>
  [
    "| method | minimum | maximum | currencies |",
    "| --- | --- | --- | --- |",
    ...Object.entries(defaultPaymentMethodConfig.methods).map(
      ([method, limits]) =>
        `| ${method} | ${formatAmount(limits.minimumAmount)} | ${formatAmount(limits.maximumAmount)} | ${limits.currencies.join(", ")} |`,
    ),
  ].join("\n");

/**
 * The same limits as data, for the `x-amount-limits` extension of create and confirm.
 *
 * @since 0.2.0
 * @category API description
 */
export const amountLimitsExtension = (): Json =>
  Object.fromEntries(
    Object.entries(defaultPaymentMethodConfig.methods).map(([method, limits]) => [
      method,
      { minimum: limits.minimumAmount, maximum: limits.maximumAmount, currencies: [...limits.currencies] },
    ]),
  );

const componentPrefix = "#/components/schemas/";

/** The property every branch fixes to one string (`type: { enum: ["CARD"] }`, required), with each branch's value. */
const branchTags = (
  schemas: Json,
  branches: ReadonlyArray<unknown>,
): { readonly propertyName: string; readonly mapping: Record<string, string> } | undefined => {
  const targets = branches.map((branch) =>
    isObject(branch) && typeof branch.$ref === "string" && branch.$ref.startsWith(componentPrefix)
      ? { ref: branch.$ref, schema: schemas[branch.$ref.slice(componentPrefix.length)] }
      : undefined,
  );
  const [first] = targets;
  if (first === undefined || !isObject(first.schema) || !isObject(first.schema.properties)) return undefined;
  const tagOf = (target: (typeof targets)[number], key: string): string | undefined => {
    if (target === undefined || !isObject(target.schema) || !isObject(target.schema.properties))
      return undefined;
    const required = Array.isArray(target.schema.required) ? target.schema.required : [];
    const property = target.schema.properties[key];
    return required.includes(key) &&
      isObject(property) &&
      Array.isArray(property.enum) &&
      property.enum.length === 1 &&
      typeof property.enum[0] === "string"
      ? property.enum[0]
      : undefined;
  };
  for (const key of Object.keys(first.schema.properties)) {
    const mapping: Record<string, string> = {};
    for (const target of targets) {
      const tag = tagOf(target, key);
      if (tag === undefined || target === undefined || tag in mapping) break;
      mapping[tag] = target.ref;
    }
    if (Object.keys(mapping).length === targets.length) return { propertyName: key, mapping };
  }
  return undefined;
};

/**
 * Writes every component union whose branches each fix one required property to a distinct string
 * (Effect's `anyOf` of tagged structs, e.g. `PaymentMethod` on `type`) as what it is: a `oneOf` with
 * a `discriminator` and its `mapping`, so generated clients and validators pick the branch by the tag.
 * The API-level `OpenApi.Transform` of {@link PaymentsApi} runs it.
 *
 * @since 0.2.0
 * @category API description
 */
export const discriminateUnions = (spec: Json): Json => {
  const components = isObject(spec.components) ? spec.components : undefined;
  const schemas = components !== undefined && isObject(components.schemas) ? components.schemas : undefined;
  if (components === undefined || schemas === undefined) return spec;
  const rewritten = Object.fromEntries(
    Object.entries(schemas).map(([name, schema]) => {
      if (!isObject(schema) || !Array.isArray(schema.anyOf)) return [name, schema];
      const tags = branchTags(schemas, schema.anyOf);
      if (tags === undefined) return [name, schema];
      const { anyOf, ...rest } = schema;
      return [name, { ...rest, oneOf: anyOf, discriminator: tags }];
    }),
  );
  return { ...spec, components: { ...components, schemas: rewritten } };
};
