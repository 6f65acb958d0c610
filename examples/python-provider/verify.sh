#!/usr/bin/env bash
# Verifies the example Python provider against every contract in contracts/ with the project's CLI.
#
#   examples/python-provider/verify.sh [--defect NAME]... [verifier flags, e.g. --junit FILE]
#       starts server.py on a free port (with its test endpoints), waits for it, runs
#       `payment-session-contracts verify` against it, stops it and exits with the verifier's code
#       (0 every interaction passed, 1 a contract failed, 2 it could not run).
#   examples/python-provider/verify.sh --check-defects
#       the faithful server must pass; then each deliberate defect in $DEFECTS_TO_CHECK (default:
#       every defect the contracts are meant to catch) must make the verifier fail (exit 1).
#
# Needs Python ≥ 3.11 ($PYTHON, default python3) and this repository's node_modules.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
python=${PYTHON:-python3}

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "verify.sh: needs Python 3.11 or later as \$PYTHON (default python3)" >&2
  exit 2
fi

# Runs the verifier once against a fresh server; the server gets --defect for each name in $1.
verify_once() {
  local defects=$1
  shift
  local workdir port server status
  workdir=$(mktemp -d)
  local server_args=(--port 0 --port-file "$workdir/port" --test-endpoints)
  for defect in $defects; do server_args+=(--defect "$defect"); done
  "$python" "$here/server.py" "${server_args[@]}" 2>"$workdir/server.log" &
  server=$!
  for _ in $(seq 100); do
    [ -s "$workdir/port" ] && break
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
  done
  if [ ! -s "$workdir/port" ]; then
    echo "verify.sh: the server did not start:" >&2
    cat "$workdir/server.log" >&2
    kill "$server" 2>/dev/null
    rm -rf "$workdir"
    return 2
  fi
  port=$(cat "$workdir/port")
  local url="http://127.0.0.1:$port"
  (cd "$root" && node -C @payment-session/source --import tsx packages/contracts/src/cli.ts verify \
    --provider-base-url "$url" \
    --provider-states-setup-url "$url/_pact/provider-states" \
    --provider-messages-url "$url/_pact/messages" \
    --pact-dir "$root/contracts" "$@")
  status=$?
  kill "$server" 2>/dev/null
  wait "$server" 2>/dev/null
  rm -rf "$workdir"
  return $status
}

if [ "${1:-}" != "--check-defects" ]; then
  defects=""
  while [ "${1:-}" = "--defect" ]; do
    defects="$defects $2"
    shift 2
  done
  verify_once "$defects" "$@"
  exit $?
fi

# --check-defects: a check that cannot fail proves nothing, so show that it does.
verify_once "" | tail -n 1
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
  echo "verify.sh: the faithful server failed the contracts (exit $status)" >&2
  exit 1
fi
failed=0
for defect in ${DEFECTS_TO_CHECK:-no-lazy-expiry cancel-after-charge}; do
  output=$(verify_once "$defect")
  status=$?
  if [ "$status" -eq 1 ]; then
    echo "defect $defect: the verifier failed, as it must:"
    grep -E '✗|\$\.|Verified' <<<"$output" | sed 's/^/    /' | head -n 12
  else
    echo "defect $defect: the verifier exited $status, not 1: the contracts do not catch it" >&2
    failed=1
  fi
done
exit $failed
