/**
 * Naming catalogued provider states in a pact (consumer side) and reading them back (provider
 * side), both checked against the catalogue's schemas.
 *
 * @since 0.1.0
 */
import { type ErrorDetail, issueDetails } from "@payment-session/core";
import { Result, Schema } from "effect";
import {
  type DecodedProviderStateParams,
  type ProviderStateName,
  type ProviderStateParams,
  providerStates,
} from "./catalogue.js";

/**
 * A JSON value, as Pact stores provider-state params.
 *
 * @since 0.1.0
 * @category Provider states
 */
export type PactJson =
  | boolean
  | number
  | string
  | null
  | ReadonlyArray<PactJson>
  | { readonly [key: string]: PactJson };

/**
 * A JSON object (Pact's `JsonMap`).
 *
 * @since 0.1.0
 * @category Provider states
 */
export interface PactJsonObject {
  [key: string]: PactJson;
}

/**
 * Anything with Pact's `given(state, params)`: V4 HTTP interactions and (a)synchronous messages.
 *
 * @since 0.1.0
 * @category Provider states
 */
export interface GivenBuilder<Self> {
  given(state: string, parameters?: PactJsonObject): Self;
}

/**
 * Params that do not fit a state's schema, or a state not in the catalogue. `details` lists the
 * offending params by dot path.
 *
 * @since 0.1.0
 * @category Provider states
 */
export class ProviderStateParamsError extends Error {
  readonly _tag = "ProviderStateParamsError";
  readonly state: string;
  readonly details: ReadonlyArray<ErrorDetail>;
  constructor(state: string, details: ReadonlyArray<ErrorDetail>) {
    super(
      `Provider state "${state}": ${details.map((d) => (d.field === "" ? d.message : `${d.field}: ${d.message}`)).join("; ")}`,
    );
    this.name = "ProviderStateParamsError";
    this.state = state;
    this.details = details;
  }
}

const isStateName = (name: string): name is ProviderStateName => Object.hasOwn(providerStates, name);

/** JSON-only copy of encoded params (drops `undefined` keys, which a pact cannot hold). */
const toJsonObject = (params: unknown): PactJsonObject => {
  const copy: unknown = JSON.parse(JSON.stringify(params));
  return typeof copy === "object" && copy !== null && !Array.isArray(copy) ? (copy as PactJsonObject) : {};
};

/**
 * Decodes the params a provider received for state `name` (provider side: a state-setup endpoint).
 * Succeeds with the state name and its decoded params; fails with the offending fields, or with
 * field `state` when the name is not catalogued.
 *
 * @example
 * const r = decodeProviderStateParams(body.state, body.params)
 * if (Result.isFailure(r)) return reply(400, { details: r.failure.details })
 * if (r.success.name === "a payment session exists") setUpSession(r.success.params)
 * @since 0.1.0
 * @category Provider states
 */
export const decodeProviderStateParams = (
  name: string,
  params: unknown,
): Result.Result<
  {
    readonly [N in ProviderStateName]: { readonly name: N; readonly params: DecodedProviderStateParams<N> };
  }[ProviderStateName],
  ProviderStateParamsError
> => {
  if (!isStateName(name)) {
    return Result.fail(
      new ProviderStateParamsError(name, [{ field: "state", message: "not a catalogued provider state" }]),
    );
  }
  const schema: Schema.Top & { readonly DecodingServices: never } = providerStates[name].params;
  const decoded = Schema.decodeUnknownResult(schema)(params ?? {}, {
    errors: "all",
    onExcessProperty: "error",
  });
  if (Result.isFailure(decoded))
    return Result.fail(new ProviderStateParamsError(name, issueDetails(decoded.failure.issue)));
  return Result.succeed({ name, params: decoded.success } as {
    readonly [N in ProviderStateName]: { readonly name: N; readonly params: DecodedProviderStateParams<N> };
  }[ProviderStateName]);
};

/**
 * Names a catalogued provider state on a Pact interaction or message: the params are checked
 * against the catalogue at compile time (their type) and at run time (their schema, unknown params
 * refused), then passed to Pact's `given`. Throws {@link ProviderStateParamsError} on bad params.
 *
 * @example
 * givenState(pact.addInteraction(), "a payment session exists", { status: "PAID", amount: 20000 })
 *   .uponReceiving("a request for a paid payment session")
 * @since 0.1.0
 * @category Provider states
 */
export const givenState = <B extends GivenBuilder<B>, N extends ProviderStateName>(
  builder: B,
  name: N,
  params: ProviderStateParams<N>,
): B => {
  const decoded = decodeProviderStateParams(name, params);
  if (Result.isFailure(decoded)) throw decoded.failure;
  return builder.given(name, toJsonObject(params));
};
