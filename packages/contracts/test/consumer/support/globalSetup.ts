/**
 * Runs once before the consumer suite: deletes the pact files in `contracts/` so that Pact (which
 * merges into an existing file) writes them from scratch and an interaction removed from the tests
 * disappears from the files. The drift check then compares them with the committed ones.
 */
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { pactDir } from "./paths.js";

export default function setup(): void {
  mkdirSync(pactDir, { recursive: true });
  for (const file of readdirSync(pactDir)) {
    if (file.endsWith(".json")) rmSync(path.join(pactDir, file));
  }
}
