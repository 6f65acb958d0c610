/**
 * Every claim a decision record makes about what the contracts pin (its `checks`, listed on the
 * record's page under "What the contracts pin") holds in the committed pact files; and each kind
 * of claim is shown to fail on a pact that does not back it.
 */
import { describe, expect, it } from "vitest";
import { decisionRecords } from "../decisions.ts";
import { contractsDir } from "../generators.ts";
import { type Interaction, type Json, loadPacts } from "../pacts.ts";
import { type Pin, pinProblem, pinProblems } from "../pinChecks.ts";

const interactions = new Map<string, Interaction>(
  loadPacts(contractsDir).flatMap((p) => p.interactions.map((i) => [i.description, i] as const)),
);

/** A copy of the named interaction, changed by `edit` (a JSON object to mutate in place). */
const edited = (
  description: string,
  edit: (i: Record<string, Json>) => void,
): ReadonlyMap<string, Interaction> => {
  const copy = JSON.parse(JSON.stringify(interactions.get(description))) as Record<string, Json>;
  edit(copy);
  return new Map([...interactions, [description, copy as unknown as Interaction]]);
};

const obj = (value: Json | undefined): Record<string, Json> => value as Record<string, Json>;

describe("the decision records' pins", () => {
  it("all hold in the pact files", () => {
    expect(pinProblems(decisionRecords, interactions)).toEqual([]);
  });

  it("every record that links contract interactions says what they pin, as checks", () => {
    const without = decisionRecords
      .filter((r) => r.interactions.length > 0 && r.checks.length === 0)
      .map((r) => r.id);
    expect(without).toEqual([]);
  });

  it("every interaction a check names is linked from its record", () => {
    const unlinked = decisionRecords.flatMap((r) =>
      r.checks.filter((c) => !r.interactions.includes(c.interaction)).map((c) => `${r.id}: ${c.interaction}`),
    );
    expect(unlinked).toEqual([]);
  });
});

describe("a pin the pact does not back fails, saying why", () => {
  const expired = "a request for an expired payment session";
  const noReason = "a request for an expired payment session, which has no cancellation reason";
  const list = "a request for the payment sessions with a clientReferenceId";
  const seed = "a request to create a VA payment session with the seed page's body";
  const notFound = "a request for a payment session that does not exist";
  const paid = "a PAYMENT.PAID callback for a paid VA session";
  const data = (i: Record<string, Json>) => obj(obj(obj(obj(i.response).body).content).data);
  const bodyRules = (i: Record<string, Json>) => obj(obj(obj(i.response).matchingRules).body);

  const cases: ReadonlyArray<{
    readonly name: string;
    readonly pin: Pin;
    readonly pacts: ReadonlyMap<string, Interaction>;
    readonly problem: RegExp;
  }> = [
    {
      name: "another value",
      pin: { kind: "exactly", interaction: expired, path: "$.data.status", value: "EXPIRED" },
      pacts: edited(expired, (i) => {
        data(i).status = "CANCELLED";
      }),
      problem: /\$\.data\.status is "CANCELLED", not "EXPIRED"/u,
    },
    {
      name: "a value matched by type (the old `like`)",
      pin: { kind: "exactly", interaction: expired, path: "$.data.status", value: "EXPIRED" },
      pacts: edited(expired, (i) => {
        bodyRules(i)["$.data"] = { combine: "AND", matchers: [{ match: "type" }] };
      }),
      problem: /not compared exactly \(\$\.data: type\)/u,
    },
    {
      name: "items reduced to one shape (the old `eachLike`)",
      pin: { kind: "items", interaction: list, path: "$.data", count: 2 },
      pacts: edited(list, (i) => {
        bodyRules(i)["$.data"] = { combine: "AND", matchers: [{ match: "type", min: 1 }] };
      }),
      problem: /not compared item by item/u,
    },
    {
      name: "a reason that is not pinned at all",
      pin: { kind: "noValue", interaction: expired, path: "$.data.cancellationReason" },
      pacts: interactions,
      problem: /not in the expected body \(any value would pass\)/u,
    },
    {
      name: "a null that may not be absent",
      pin: { kind: "noValue", interaction: noReason, path: "$.data.cancellationReason" },
      pacts: edited(noReason, (i) => {
        delete bodyRules(i)["$.data"];
      }),
      problem: /must be null but may not be absent/u,
    },
    {
      name: "an instant pinned byte for byte",
      pin: { kind: "instant", interaction: seed, path: "$.data.expiryAt", at: "2025-03-31T23:59:05Z" },
      pacts: edited(seed, (i) => {
        delete bodyRules(i)["$.data.expiryAt"];
      }),
      problem: /no regex rule at \$\.data\.expiryAt/u,
    },
    {
      name: "an instant matched by shape only",
      pin: { kind: "instant", interaction: seed, path: "$.data.expiryAt", at: "2025-03-31T23:59:05Z" },
      pacts: edited(seed, (i) => {
        bodyRules(i)["$.data.expiryAt"] = {
          combine: "AND",
          matchers: [{ match: "regex", regex: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$" }],
        };
      }),
      problem: /admits 2025-04-01T00:59:05Z too/u,
    },
    {
      name: "one error type where two are allowed",
      pin: {
        kind: "oneOf",
        interaction: notFound,
        path: "$.error.type",
        values: ["GATEWAY_ERROR", "API_ERROR"],
      },
      pacts: edited(notFound, (i) => {
        delete bodyRules(i)["$.error.type"];
      }),
      problem: /no regex rule at \$\.error\.type/u,
    },
    {
      name: "a webhook key matched as any string",
      pin: { kind: "metadata", interaction: paid, key: "X-API-Key", value: "callback-key-0001" },
      pacts: edited(paid, (i) => {
        i.matchingRules = {
          ...obj(i.matchingRules),
          metadata: { "X-API-Key": { combine: "AND", matchers: [{ match: "type" }] } },
        };
      }),
      problem: /metadata X-API-Key is matched by type/u,
    },
    {
      name: "another status",
      pin: { kind: "status", interaction: notFound, value: 410 },
      pacts: interactions,
      problem: /status 404, not 410/u,
    },
  ];

  it.each(cases)("$name", ({ pin, pacts, problem }) => {
    expect(
      pinProblem(pin, interactions) === undefined || pin.kind === "noValue" || pin.kind === "status",
    ).toBe(true);
    expect(pinProblem(pin, pacts)).toMatch(problem);
  });
});
