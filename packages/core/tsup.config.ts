import { packageBuild } from "../../tsup.shared.ts";

// `@payment-session/core/testing`: shared test support (property seed, example bodies), not in the main entry.
export default packageBuild({ index: "src/index.ts", "testing/index": "src/testing/index.ts" });
