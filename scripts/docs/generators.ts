import { providerStatesMarkdown } from "@payment-session/contracts";
import { renderOpenApi } from "@payment-session/core";

/** One entry per generated file under docs/: its path relative to docs/ and how to render it. */
export interface DocGenerator {
  readonly path: string;
  readonly render: () => string | Promise<string>;
}

export const generators: ReadonlyArray<DocGenerator> = [
  { path: "openapi.json", render: renderOpenApi },
  { path: "provider-states.md", render: providerStatesMarkdown },
];
