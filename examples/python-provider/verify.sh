#!/usr/bin/env bash
# Verifies the example Python provider against every contract in contracts/ with the project's CLI,
# and explores it with generated lifecycles.
#
#   examples/python-provider/verify.sh [--defect NAME]... [verifier flags, e.g. --junit FILE]
#       starts server.py on a free port (with its test endpoints), waits for it, runs
#       `payment-session-contracts verify` against it, stops it and exits with the verifier's code
#       (0 every interaction passed, 1 a contract failed, 2 it could not run).
#   examples/python-provider/verify.sh --explore [--defect NAME]... [explore flags]
#       the same with `payment-session-contracts explore` (default: --runs 30 --seed 1).
#   examples/python-provider/verify.sh --check-defects
#       what CI runs: the faithful server must pass verify and explore; then each deliberate defect
#       in $VERIFY_DEFECTS must make verify fail (exit 1), and each in $EXPLORE_DEFECTS explore.
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

# Runs the CLI's $1 (verify or explore) once against a fresh server, which gets --defect for each
# name in $2; the other arguments go to the CLI.
run_once() {
  local command=$1 defects=$2
  shift 2
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
  local cli=(node -C @payment-session/source --import tsx packages/contracts/src/cli.ts)
  if [ "$command" = verify ]; then
    (cd "$root" && "${cli[@]}" verify --provider-base-url "$url" \
      --provider-states-setup-url "$url/_pact/provider-states" \
      --provider-messages-url "$url/_pact/messages" --pact-dir "$root/contracts" "$@")
  else
    [ $# -eq 0 ] && set -- --runs 30 --seed 1
    (cd "$root" && "${cli[@]}" explore --provider-base-url "$url" \
      --provider-states-url "$url/_pact/provider-states" --replay-out "$workdir/replay.json" "$@")
  fi
  status=$?
  kill "$server" 2>/dev/null
  wait "$server" 2>/dev/null
  rm -rf "$workdir"
  return $status
}

command=verify
if [ "${1:-}" = "--explore" ]; then
  command=explore
  shift
fi
if [ "${1:-}" != "--check-defects" ]; then
  defects=""
  while [ "${1:-}" = "--defect" ]; do
    defects="$defects $2"
    shift 2
  done
  run_once "$command" "$defects" "$@"
  exit $?
fi

# --check-defects: a check that cannot fail proves nothing, so show that each one does. The runs are
# independent (each its own server on its own port), so they run two at a time.
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
run_to() { # command, defects, name of the result
  run_once "$1" "$2" >"$results/$3.out" 2>&1
  echo $? >"$results/$3.status"
}
run_to verify "" faithful-verify &
run_to explore "" faithful-explore &
wait
for command in verify explore; do
  status=$(cat "$results/faithful-$command.status")
  if [ "$status" -ne 0 ]; then
    cat "$results/faithful-$command.out"
    echo "verify.sh: the faithful server failed $command (exit $status)" >&2
    exit 1
  fi
  echo "faithful server, $command: $(grep -E '^(Verified|PASS)' "$results/faithful-$command.out")"
done
checks=()
for defect in ${VERIFY_DEFECTS-no-lazy-expiry card-not-opened}; do checks+=("verify $defect"); done
for defect in ${EXPLORE_DEFECTS-wrong-callback-key}; do checks+=("explore $defect"); done
for check in "${checks[@]}"; do
  read -r command defect <<<"$check"
  run_to "$command" "$defect" "$command-$defect" &
  [ "$(jobs -rp | wc -l)" -ge 2 ] && wait -n
done
wait
failed=0
for check in "${checks[@]}"; do
  read -r command defect <<<"$check"
  status=$(cat "$results/$command-$defect.status")
  if [ "$status" -eq 1 ]; then
    echo "defect $defect: $command failed, as it must:"
    grep -E '✗|^ +\$\.|^(Verified|FAIL)|answered what the machines' "$results/$command-$defect.out" | sed 's/^ */    /' | head -n 8
  else
    echo "defect $defect: $command exited $status, not 1: it does not catch the defect" >&2
    failed=1
  fi
done
exit $failed
