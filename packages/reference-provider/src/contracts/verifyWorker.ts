/**
 * The child process of {@link verifyContracts}: the contracts package's verification worker
 * (options over IPC, `verifyProvider`, the outcome back), started by `startVerifyWorker`.
 *
 * @since 0.1.0
 */
import { serveVerifyWorker } from "@payment-session/contracts/verifier";

await serveVerifyWorker();
