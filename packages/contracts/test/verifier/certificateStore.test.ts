/**
 * The Pact core is pointed at an empty certificate store only for a run that makes no TLS call, and the
 * environment is exactly as before afterwards (set, unset, after a failure).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { withoutCertificateStore } from "../../src/verifier/internal/certificateStore.js";

const saved = { file: process.env.SSL_CERT_FILE, dir: process.env.SSL_CERT_DIR };
afterEach(() => {
  if (saved.file === undefined) delete process.env.SSL_CERT_FILE;
  else process.env.SSL_CERT_FILE = saved.file;
  if (saved.dir === undefined) delete process.env.SSL_CERT_DIR;
  else process.env.SSL_CERT_DIR = saved.dir;
});

describe("withoutCertificateStore", () => {
  it("gives the run an empty store (an empty file in an otherwise empty folder) and removes it after", async () => {
    delete process.env.SSL_CERT_FILE;
    delete process.env.SSL_CERT_DIR;
    const seen = await withoutCertificateStore(true, async () => {
      const file = process.env.SSL_CERT_FILE ?? "";
      const dir = process.env.SSL_CERT_DIR ?? "";
      return {
        file,
        dir,
        content: readFileSync(file, "utf8"),
        entries: readdirSync(dir),
        isDir: statSync(dir).isDirectory(),
      };
    });
    expect(seen.content).toBe("");
    expect(seen.isDir).toBe(true);
    expect(seen.entries).toEqual(["empty.pem"]);
    expect(seen.file.startsWith(seen.dir)).toBe(true);
    expect(existsSync(seen.dir)).toBe(false);
    expect(process.env.SSL_CERT_FILE).toBeUndefined();
    expect(process.env.SSL_CERT_DIR).toBeUndefined();
  });

  it("restores the caller's own values, also when the run fails", async () => {
    process.env.SSL_CERT_FILE = "/somewhere/ca.pem";
    process.env.SSL_CERT_DIR = "/somewhere/certs";
    await expect(
      withoutCertificateStore(true, async () => {
        expect(process.env.SSL_CERT_FILE).not.toBe("/somewhere/ca.pem");
        throw new Error("core failed");
      }),
    ).rejects.toThrow("core failed");
    expect(process.env.SSL_CERT_FILE).toBe("/somewhere/ca.pem");
    expect(process.env.SSL_CERT_DIR).toBe("/somewhere/certs");
  });

  it("leaves the store alone for a run that may use TLS (a broker, remote pacts)", async () => {
    process.env.SSL_CERT_FILE = "/somewhere/ca.pem";
    delete process.env.SSL_CERT_DIR;
    const seen = await withoutCertificateStore(false, async () => [
      process.env.SSL_CERT_FILE,
      process.env.SSL_CERT_DIR,
    ]);
    expect(seen).toEqual(["/somewhere/ca.pem", undefined]);
  });
});
