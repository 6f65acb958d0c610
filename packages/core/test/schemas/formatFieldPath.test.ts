import { describe, expect, it } from "vitest";
import { formatFieldPath } from "../../src/schemas/index.js";

describe("field paths are dot paths", () => {
  it.each([
    [[], ""],
    [["amount", "value"], "amount.value"],
    [
      ["orderInformation", "productDetails", 0, "price", "value"],
      "orderInformation.productDetails[0].price.value",
    ],
    [["x-request-id"], "x-request-id"],
    [["metadata", "a.b"], 'metadata["a.b"]'],
    [["metadata", ""], 'metadata[""]'],
    [[0, "id"], "[0].id"],
  ])("%j → %s", (path, expected) => {
    expect(formatFieldPath(path)).toBe(expected);
  });
});
