import { Schema } from "effect";

/** A string of `min`–`max` UTF-16 code units. */
export const Text = (min: number, max: number) => Schema.String.check(Schema.isBetweenLength(min, max));

/** Free JSON object (metadata, opaque gateway sub-objects). */
export const JsonObject = Schema.JsonObject;
