/**
 * The Pact core builds a new HTTP client for every call it makes (each provider-state set-up and
 * teardown, each request), and each new client loads the system's certificate store: on a Debian-like
 * machine it opens and parses every file of `/etc/ssl/certs` plus the bundle, about 5 ms per call, most
 * of a verification's time (a 98-interaction run made 700 such calls). When the core contacts nothing
 * over TLS — its only peers are our loopback servers over plain `http:`, the pacts are local files and
 * there is no broker — the store is of no use, so for that run the core is pointed at an empty one
 * (`SSL_CERT_FILE` and `SSL_CERT_DIR`, which it honours) and the environment is restored afterwards.
 * Node's own TLS does not read these variables (it has its bundled store unless `--use-openssl-ca`).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const VARS = ["SSL_CERT_FILE", "SSL_CERT_DIR"] as const;

/**
 * Runs `run` with the core's certificate store emptied when `plainHttpOnly` (the core makes no TLS
 * call in this run), else as is; restores the variables it changed and removes its empty store.
 */
export const withoutCertificateStore = async <A>(
  plainHttpOnly: boolean,
  run: () => Promise<A>,
): Promise<A> => {
  if (!plainHttpOnly) return run();
  let dir: string;
  try {
    dir = mkdtempSync(path.join(tmpdir(), "payment-session-no-certs-"));
    writeFileSync(path.join(dir, "empty.pem"), "");
  } catch {
    // Only a speed-up: without a temporary folder the core reads the system's store as usual.
    return run();
  }
  const before = VARS.map((name) => process.env[name]);
  process.env.SSL_CERT_FILE = path.join(dir, "empty.pem");
  process.env.SSL_CERT_DIR = dir;
  try {
    return await run();
  } finally {
    VARS.forEach((name, i) => {
      const value = before[i];
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    });
    rmSync(dir, { recursive: true, force: true });
  }
};
