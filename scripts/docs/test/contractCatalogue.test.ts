import { describe, expect, it } from "vitest";
import { contractCatalogue, interactionAnchor, jsonWithNotes, ruleNotes } from "../contractCatalogue.ts";
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

  it("says what a value inside an object or array matched by type must be, not that it is exact", () => {
    const notes = ruleNotes({ "$.data": { matchers: [{ match: "type", min: 1 }] } }, undefined);
    const text = jsonWithNotes({ data: [{ status: "PAID", paidAt: null, amount: 1 }] }, notes);
    expect(text).toContain('"status": "PAID", // any string (the type rule of $.data)');
    expect(text).toContain('"paidAt": null, // null (the type rule of $.data)');
    expect(text).toContain('"amount": 1 // any number (the type rule of $.data)');
    // A value with a rule of its own keeps it; one outside any type rule stays unmarked (exact).
    const own = ruleNotes(
      {
        "$.data": { matchers: [{ match: "type" }] },
        "$.data.status": { matchers: [{ match: "regex", regex: "^PAID$" }] },
      },
      undefined,
    );
    expect(own(["data", "status"], "PAID")).toBe("exactly PAID");
    expect(ruleNotes({}, undefined)(["code"], "00")).toBeNull();
  });

  it("says that a regex on true or a number also accepts the JSON value, and says a repeated matcher once", () => {
    const notes = ruleNotes(
      {
        "$.data.updated": { matchers: [{ match: "regex", regex: "^true$" }] },
        "$.data.autoConfirm": { matchers: [{ match: "boolean" }] },
        "$.data['autoConfirm']": { matchers: [{ match: "boolean" }] },
      },
      undefined,
    );
    expect(notes(["data", "updated"], "true")).toBe('true, as text or as JSON ("true" or true)');
    expect(notes(["data", "autoConfirm"], true)).toBe("any boolean");
  });

  it("reads the committed pacts that way: updated accepts a boolean, no matcher said twice", () => {
    const page = contractCatalogue(loadPacts(contractsDir));
    expect(page).toContain('"updated": "true" // true, as text or as JSON ("true" or true)');
    expect(page).not.toContain("// exactly true");
    for (const line of page.split("\n").filter((l) => l.includes(" // "))) {
      const parts = (line.split(" // ")[1] ?? "").split(/; | and /);
      expect(new Set(parts).size, line).toBe(parts.length);
    }
  });
});
