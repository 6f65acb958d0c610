import { placeholder } from "@payment-session/core";
import { expect, test } from "vitest";

test("resolves the workspace source", () => {
  expect(placeholder).toBe(1);
});
