/** Small guards for reading untyped JSON (pact files, the Pact core's report) without `any`. */

export type UnknownRecord = { readonly [key: string]: unknown };

export const isRecord = (u: unknown): u is UnknownRecord =>
  typeof u === "object" && u !== null && !Array.isArray(u);

export const stringAt = (r: UnknownRecord, key: string): string | undefined => {
  const v = r[key];
  return typeof v === "string" ? v : undefined;
};

export const arrayAt = (r: UnknownRecord, key: string): ReadonlyArray<unknown> => {
  const v = r[key];
  return Array.isArray(v) ? v : [];
};

/** A value as text: strings as they are, anything else as JSON. */
export const toText = (u: unknown): string => {
  if (typeof u === "string") return u;
  if (u === undefined) return "";
  return JSON.stringify(u) ?? String(u);
};
