#!/usr/bin/env bash
# Does the committed state work for someone who has nothing but a clone of it? Clones HEAD into an empty
# temporary directory (nothing beside it) and there runs what the README promises:
#   1. npm ci
#   2. npm start: waits for the address it prints, asks /healthz, stops it with SIGTERM, expects exit 0
#   3. npm test (the full gate; many minutes on a small machine)
# and prints a summary. Exit status 0 when every step passed.
#
# Environment: FRESH_CLONE_SKIP_TESTS=1 skips step 3 (to check the rest quickly);
# FRESH_CLONE_KEEP=1 keeps the temporary directory (its path is printed) for a look afterwards.
set -uo pipefail

START_TIMEOUT_S=60
STOP_TIMEOUT_S=20

source_repo="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
commit="$(git -C "$source_repo" rev-parse HEAD)"
root="$(mktemp -d "${TMPDIR:-/tmp}/truinlag-fresh-XXXXXX")"
clone="$root/truinlag"
log_dir="$root/logs"
mkdir -p "$log_dir"
npm_pid=''
server_pid=''

declare -a summary=()
failed=0

cleanup() {
  local pid
  for pid in "$server_pid" "$npm_pid"; do
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
  done
  # A failed run keeps its logs (the summary names them); the clone itself goes.
  if [[ "${FRESH_CLONE_KEEP:-}" == 1 ]]; then
    echo "kept: $root"
  elif [[ "$failed" != 0 ]]; then
    rm -rf "$clone"
    echo "logs kept: $log_dir"
  else
    rm -rf "$root"
  fi
}
trap cleanup EXIT

# Records a step's result; a failed step prints the end of its log.
record() {
  local name="$1" status="$2" seconds="$3" log="$4"
  if [[ "$status" == 0 ]]; then
    summary+=("PASS  $name (${seconds} s)")
  else
    summary+=("FAIL  $name (${seconds} s, see $log)")
    failed=1
    echo "--- $name failed; last lines of $log:" >&2
    tail -n 40 "$log" >&2
  fi
}

# Runs a command in the clone with its output in a log file, and records the result.
step() {
  local name="$1"
  shift
  local log="$log_dir/${name// /-}.log"
  local started=$SECONDS
  echo "== $name"
  (cd "$clone" && "$@") >"$log" 2>&1
  record "$name" $? $((SECONDS - started)) "$log"
}

# The node process `npm start` runs the server in, below npm and the shell npm runs scripts with.
server_process() {
  local child
  for child in $(pgrep -P "$1"); do
    if [[ "$(ps -o comm= -p "$child")" == node ]] &&
      tr '\0' ' ' <"/proc/$child/cmdline" | grep -q 'dist/bin/truinlag.js serve'; then
      echo "$child"
      return
    fi
    server_process "$child"
  done
}

# Starts `npm start` (port 0: any free port, so a server already on 8585 does not matter), waits for
# the health URL it prints and asks it. Then stops the server with SIGTERM — sent to the server's own
# process, since npm does not pass SIGTERM on to its script — and expects a clean shutdown: the server
# logs "shut down" and `npm start` exits with status 0.
start_and_stop() {
  local out="$log_dir/npm-start.log"
  (cd "$clone" && exec npm start -- --port 0) >"$out" 2>&1 &
  npm_pid=$!
  local health=''
  for ((i = 0; i < START_TIMEOUT_S * 10; i++)); do
    health="$(sed -n 's/^ *health: *\(http:[^ ]*\).*$/\1/p' "$out" | head -n 1)"
    [[ -n "$health" ]] && break
    kill -0 "$npm_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -z "$health" ]]; then
    echo "npm start printed no health address within ${START_TIMEOUT_S} s" >>"$out"
    return 1
  fi
  echo "health check: $health" >>"$out"
  node -e '
    fetch(process.argv[1])
      .then(async (res) => {
        const body = await res.json();
        console.log(res.status, JSON.stringify(body));
        process.exit(res.status === 200 && body.ok === true ? 0 : 1);
      })
      .catch((error) => { console.error(error); process.exit(1); });
  ' "$health" >>"$out" 2>&1 || return 1
  server_pid="$(server_process "$npm_pid")"
  if [[ -z "$server_pid" ]]; then
    echo "no server process under npm (pid $npm_pid)" >>"$out"
    return 1
  fi
  echo "SIGTERM to the server, pid $server_pid" >>"$out"
  kill -TERM "$server_pid"
  local waited=0
  while kill -0 "$npm_pid" 2>/dev/null && ((waited < STOP_TIMEOUT_S * 10)); do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "$npm_pid" 2>/dev/null; then
    echo "still running ${STOP_TIMEOUT_S} s after SIGTERM" >>"$out"
    return 1
  fi
  wait "$npm_pid"
  local status=$?
  npm_pid=''
  server_pid=''
  echo "npm start exit status after SIGTERM: $status" >>"$out"
  [[ "$status" == 0 ]] && grep -q '"msg":"shut down"' "$out"
}

echo "fresh clone of $source_repo at $commit in $root"
started=$SECONDS
git clone --quiet --no-hardlinks "$source_repo" "$clone" >"$log_dir/clone.log" 2>&1 &&
  git -C "$clone" checkout --quiet --detach "$commit" >>"$log_dir/clone.log" 2>&1
record 'git clone' $? $((SECONDS - started)) "$log_dir/clone.log"

if ((failed == 0)); then
  step 'npm ci' npm ci
fi
if ((failed == 0)); then
  echo '== npm start'
  started=$SECONDS
  start_and_stop
  record 'npm start, /healthz, SIGTERM' $? $((SECONDS - started)) "$log_dir/npm-start.log"
  # What the server wrote is not part of the checkout the tests run on.
  rm -rf "$clone/data"
fi
if ((failed == 0)); then
  if [[ "${FRESH_CLONE_SKIP_TESTS:-}" == 1 ]]; then
    summary+=('SKIP  npm test (FRESH_CLONE_SKIP_TESTS=1)')
  else
    step 'npm test' npm test
  fi
fi

echo
echo "fresh-clone test of $commit:"
printf '  %s\n' "${summary[@]}"
exit "$failed"
