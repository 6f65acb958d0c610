/**
 * The provider-state catalogue: every state is named as it is keyed, its example fits its schema,
 * `givenState` refuses params that do not fit (at compile time and at run time), a provider can
 * decode what it receives, and the Markdown page is complete and stable.
 */
import { Result } from "effect";
import { describe, expect, it } from "vitest";
import {
  decodeProviderStateParams,
  type GivenBuilder,
  givenState,
  type PactJsonObject,
  ProviderStateParamsError,
  providerStateNames,
  providerStates,
  providerStatesMarkdown,
} from "../../src/providerStates/index.js";

/** A stand-in for a Pact interaction builder that records what `given` received. */
class RecordingBuilder implements GivenBuilder<RecordingBuilder> {
  readonly states: Array<{ name: string; params: PactJsonObject | undefined }> = [];
  given(state: string, parameters?: PactJsonObject): RecordingBuilder {
    this.states.push({ name: state, params: parameters });
    return this;
  }
}

describe("the catalogue", () => {
  it("keys each state by its own name and lists every state once", () => {
    for (const [key, state] of Object.entries(providerStates)) expect(state.name).toBe(key);
    expect([...providerStateNames].sort()).toEqual(Object.keys(providerStates).sort());
  });

  it("has an example that fits each state's schema, and docs for every parameter", () => {
    for (const name of providerStateNames) {
      const state = providerStates[name];
      expect(Result.isSuccess(decodeProviderStateParams(name, state.example))).toBe(true);
      expect(Object.keys(state.paramDocs).sort()).toEqual(Object.keys(state.params.fields).sort());
    }
  });
});

describe("givenState", () => {
  it("passes the state name and its params (JSON) to Pact's given", () => {
    const builder = givenState(new RecordingBuilder(), "a payment session exists", {
      status: "PAID",
      amount: 20000,
      expiryAt: "2025-03-30T06:03:17Z",
    });
    expect(builder.states).toEqual([
      {
        name: "a payment session exists",
        params: { status: "PAID", amount: 20000, expiryAt: "2025-03-30T06:03:17Z" },
      },
    ]);
  });

  it("refuses params that do not fit, naming each one", () => {
    const bad = () =>
      givenState(new RecordingBuilder(), "a payment session exists", {
        // @ts-expect-error: not a session status
        status: "DONE",
        amount: 1.5,
      });
    expect(bad).toThrow(ProviderStateParamsError);
    try {
      bad();
    } catch (error) {
      const fields = error instanceof ProviderStateParamsError ? error.details.map((d) => d.field) : [];
      expect(fields).toEqual(expect.arrayContaining(["status", "amount"]));
    }
  });

  it("refuses params the catalogue does not know", () => {
    expect(() =>
      givenState(new RecordingBuilder(), "no payment session exists", {
        id: "x",
        // @ts-expect-error: not a parameter of this state
        status: "PAID",
      }),
    ).toThrow(/status/u);
  });

  it("refuses a missing required param", () => {
    const missingSecret = () =>
      // @ts-expect-error: merchantSecret is required
      givenState(new RecordingBuilder(), "a merchant with credentials exists", { merchantId: "m" });
    expect(missingSecret).toThrow(/merchantSecret/u);
  });
});

describe("decodeProviderStateParams (the provider's side)", () => {
  it("decodes a setup request's params into typed values", () => {
    const decoded = decodeProviderStateParams("a payment session was created with request id", {
      requestId: "create-1",
      request: {
        clientReferenceId: "INV-1",
        amount: { value: 15000, currency: "IDR" },
        expiryAt: "2025-04-01T06:59:05+07:00",
      },
    });
    expect(Result.isSuccess(decoded)).toBe(true);
    if (
      Result.isSuccess(decoded) &&
      decoded.success.name === "a payment session was created with request id"
    ) {
      expect(decoded.success.params.request.expiryAt).toBe("2025-03-31T23:59:05Z");
    }
  });

  it("names a state that is not catalogued", () => {
    const decoded = decodeProviderStateParams("a chargeback exists", {});
    expect(Result.isFailure(decoded)).toBe(true);
    if (Result.isFailure(decoded))
      expect(decoded.failure.details).toEqual([
        { field: "state", message: "not a catalogued provider state" },
      ]);
  });
});

describe("providerStatesMarkdown", () => {
  it("documents every state with its parameters and returned values, the same way every time", () => {
    const page = providerStatesMarkdown();
    expect(page).toBe(providerStatesMarkdown());
    for (const name of providerStateNames) expect(page).toContain(`## \`${name}\``);
    expect(page).toContain("| `status` |");
    expect(page).toContain("- `accessToken`:");
    expect(page).toContain("- `id`:");
    expect(page).toContain(
      '{"state":"the clock reads","params":{"now":"2025-03-30T05:48:17Z"},"action":"setup"}',
    );
  });
});
