import { describe, expect, it } from "vitest";
import { contractCatalogue, interactionAnchor, jsonWithNotes } from "../contractCatalogue.ts";
import { contractsDir } from "../generators.ts";
import { describeMatcher, loadPacts, rulePathMatches } from "../pacts.ts";

describe("contract catalogue", () => {
  it("renders matchers in words, regexes it cannot name shown as they are", () => {
    const regex = (r: string) => describeMatcher({ match: "regex", regex: r });
    expect(regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")).toBe(
      "any UUID",
    );
    expect(regex("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$")).toBe("ISO-8601 UTC instant");
    expect(regex("^[0-9]+$")).toBe("digits");
    expect(regex("^(BRI|BNC)$")).toBe("one of BRI, BNC");
    expect(regex("^(idempotency_error|409[0-9]*)$")).toBe("matches /^(idempotency_error|409[0-9]*)$/");
    expect(describeMatcher({ match: "type" }, "x")).toBe("any string");
    expect(describeMatcher({ match: "type", min: 2 }, [1, 2])).toBe(
      "an array of at least 2 elements shaped like the example's first",
    );
    expect(describeMatcher({ match: "integer" })).toBe("any integer");
  });

  it("puts each rule beside the value it matches, wildcards included", () => {
    expect(rulePathMatches("$.data.chargeDetails[*].id", ["data", "chargeDetails", "0", "id"])).toBe(true);
    expect(rulePathMatches("$.data.id", ["data", "chargeDetails", "0", "id"])).toBe(false);
    const text = jsonWithNotes({ data: { id: "7f65", amount: 1 } }, (segments) =>
      segments.join(".") === "data.id" ? "any UUID" : null,
    );
    expect(text).toBe('{\n  "data": {\n    "id": "7f65", // any UUID\n    "amount": 1\n  }\n}');
  });

  it("lists every interaction of every pact file, with its anchor", () => {
    const pacts = loadPacts(contractsDir);
    const page = contractCatalogue(pacts);
    const interactions = pacts.flatMap((p) => p.interactions);
    expect(interactions.length).toBeGreaterThanOrEqual(36);
    for (const i of interactions)
      expect(page).toContain(`<a id="${interactionAnchor(i.description)}"></a>${i.description}`);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Pact provider-state expression, not a template
    expect(page).toContain("`GET /v2/payments/${id}` | 200");
    expect(page).toContain('"id": "7f65c757-355f-4645-ac14-028b34ab51b1", // any UUID');
  });
});
