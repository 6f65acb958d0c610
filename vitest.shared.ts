import { defineProject, type UserWorkspaceConfig } from "vitest/config";

/**
 * Base settings for every package's vitest project: resolve workspace packages to their
 * TypeScript sources (the `@payment-session/source` export condition) so tests never need a build.
 */
export const sourceConditions = ["@payment-session/source", "module", "node", "development|production"];

export const definePackageProject = (config: UserWorkspaceConfig) =>
  defineProject({
    ...config,
    resolve: { conditions: sourceConditions, ...config.resolve },
    ssr: { resolve: { conditions: sourceConditions, externalConditions: sourceConditions } },
    test: {
      env: { PACT_DO_NOT_TRACK: "true" },
      // The Pact consumer project (groupOrder 1) writes contracts/*.json; everything else runs after it.
      sequence: { groupOrder: 2 },
      ...config.test,
    },
  });
