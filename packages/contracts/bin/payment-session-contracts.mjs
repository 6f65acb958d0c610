#!/usr/bin/env node
// Published entry of the verifier CLI: runs the built CLI module.
await import("../dist/cli.js");
