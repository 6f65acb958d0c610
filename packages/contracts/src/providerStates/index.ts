/**
 * The provider-state catalogue, the typed `givenState` helper and its Markdown rendering.
 *
 * @since 0.1.0
 */
export * from "./catalogue.js";
export * from "./givenState.js";
export * from "./markdown.js";
