import { packageBuild } from "../../tsup.shared.ts";

// The verifier alone (`@payment-session/contracts/verifier`) loads without the client and its schemas.
export default packageBuild({
  index: "src/index.ts",
  cli: "src/cli.ts",
  "verifier/index": "src/verifier/index.ts",
});
