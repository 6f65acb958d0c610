import path from "node:path";

/** The committed `contracts/` folder at the repository root, where the pact files are written. */
export const pactDir = path.resolve(import.meta.dirname, "../../../../../contracts");
