import { packageBuild } from "../../tsup.shared.ts";

export default packageBuild({
  index: "src/index.ts",
  // The contract-test mode (subpath exports ./contracts and ./contracts/worker).
  "contracts/index": "src/contracts/index.ts",
  "contracts/startVerifyWorker": "src/contracts/startVerifyWorker.ts",
});
