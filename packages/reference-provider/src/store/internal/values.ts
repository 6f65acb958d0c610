/** Small checks and conversions shared by the repositories. */
import { StoreError } from "../errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` is a UUID in its canonical hyphenated form (any case). */
export const isUuid = (id: string): boolean => UUID.test(id);

/** Refuses an argument before any SQL runs. */
export const invalidInput = (message: string): StoreError =>
  new StoreError({ reason: "invalid_input", message });

/** The JSON text of `value` for a `$n::jsonb` parameter; `undefined`, functions and cycles are refused. */
export const toJsonText = (value: unknown, what: string): string => {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw invalidInput(`${what} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (text === undefined) throw invalidInput(`${what} is not JSON (got ${typeof value})`);
  return text;
};

/** A positive safe integer (limits, pages). */
export const positiveInt = (value: number, what: string, max = Number.MAX_SAFE_INTEGER): number => {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw invalidInput(`${what} must be an integer from 1 to ${max}, got ${value}`);
  }
  return value;
};

/** A text column read back. */
export const text = (value: unknown, what: string): string => {
  if (typeof value !== "string") {
    throw new StoreError({ reason: "query", message: `${what}: expected text, got ${typeof value}` });
  }
  return value;
};

/** A nullable text column read back. */
export const nullableText = (value: unknown, what: string): string | null =>
  value === null || value === undefined ? null : text(value, what);
