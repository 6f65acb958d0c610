#!/usr/bin/env bash
# The standalone route of packages/contracts/README.md, as an outsider takes it: build and `pnpm pack` the
# core and the contracts, `npm install` the two tarballs into an empty folder, run the installed CLI's
# `--help`, then verify the reference provider (started by `pnpm verify --serve`) with the installed CLI
# and the contracts shipped inside the package. Exits non-zero when any step fails.
#
#   bash scripts/pack-smoke.sh [--no-build]     (--no-build: pack the dist/ an earlier `pnpm build` left)
set -euo pipefail
build=true
[ "${1:-}" = "--no-build" ] && build=false
# pnpm as the caller runs it (CI: `npx -y pnpm@10.34.9`); plain `pnpm` by default.
read -r -a pnpm_cmd <<<"${PNPM_CMD:-pnpm}"
cd "$(dirname "$0")/.."
repo=$PWD
work=$(mktemp -d "${TMPDIR:-/tmp}/pack-smoke-XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

started=$SECONDS
phase() { echo "pack-smoke: $1 ($((SECONDS - started)) s)"; }
phase "build and pack core + contracts"
if $build; then
  "${pnpm_cmd[@]}" --filter @payment-session/core --filter @payment-session/contracts run build >"$work/build.log" 2>&1 ||
    { cat "$work/build.log"; exit 1; }
fi
mkdir -p "$work/tarballs" "$work/app"
(cd packages/core && "${pnpm_cmd[@]}" pack --pack-destination "$work/tarballs" >/dev/null)
(cd packages/contracts && "${pnpm_cmd[@]}" pack --pack-destination "$work/tarballs" >/dev/null)

phase "npm install of the tarballs into an empty folder"
cd "$work/app"
npm init -y >/dev/null
npm install --no-audit --no-fund --prefer-offline "$work"/tarballs/*.tgz >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; exit 1; }

phase "npx payment-session-contracts --help"
PACT_DO_NOT_TRACK=true npx --no-install payment-session-contracts --help | head -1 | grep -q '^Usage: payment-session-contracts'
node --input-type=module -e "const m = await import('@payment-session/contracts/verifier'); if (typeof m.verifyProvider !== 'function') throw new Error('no verifyProvider in @payment-session/contracts/verifier');"

phase "the reference provider (pnpm verify --serve), verified by the installed CLI"
(cd "$repo" && exec node -C @payment-session/source --import tsx packages/reference-provider/bin/verify.ts --serve) \
  >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
for _ in $(seq 1 600); do
  [ -s "$work/serve.out" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.err"; exit 1; }
  sleep 0.1
done
read -r -a flags <"$work/serve.out"
[ ${#flags[@]} -eq 6 ] || { echo "pnpm verify --serve printed no flags"; cat "$work/serve.err"; exit 1; }
PACT_DO_NOT_TRACK=true npx --no-install payment-session-contracts verify "${flags[@]}" >"$work/verify.out" 2>&1 ||
  { cat "$work/verify.out"; exit 1; }
tail -1 "$work/verify.out"
phase "done"
