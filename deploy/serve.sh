#!/usr/bin/env bash
# Serve Pooling Lab to a class: N Streamlit replicas behind nginx, in the foreground.
#
#   bash deploy/serve.sh --replicas 2 --port 8600
#
# One Streamlit process uses at most about one core (script runs share the GIL), so a class
# needs several processes, and a balancer in front that keeps each browser on its replica:
#
#   * N replicas of `streamlit run app.py`, each on a free port of 127.0.0.1, all with one
#     shared server.cookieSecret (Streamlit's env form STREAMLIT_SERVER_COOKIE_SECRET: taken
#     from the environment if set, else generated for this run; an env var, unlike a flag,
#     does not show in `ps`);
#   * Debian's nginx (`apt-get install nginx`) on ADDRESS:PORT, its own process with its own
#     config, pid, temp and log files in a fresh temp directory (Debian's service, /etc/nginx
#     and port 80 are not touched), configured from deploy/nginx.conf.in: websocket upgrades,
#     day-long timeouts, session affinity by cookie;
#   * a warm-up (deploy/warm_up.py) that runs every page once on every replica. Until it is
#     done, /_stcore/health on PORT answers 503; then it answers ok.
#
# It prints what it started, then waits. SIGTERM or SIGINT (Ctrl+C) stops nginx and every
# replica, waits for them and exits; so does any of them exiting on its own (exit status 1),
# so that a supervisor (Docker, systemd, Kubernetes) can restart the whole set.
#
# Options: --replicas N (default 2), --port P (default 8600), --address A (nginx's listening
# address, default 127.0.0.1; 0.0.0.0 in a container), --log-dir DIR (keep the replicas' and
# nginx's logs there; by default they live in the temp directory and go with it).
# Environment: POOLING_LAB_PYTHON (default: the repo's .venv/bin/python, else python3),
# POOLING_LAB_NGINX (default: nginx on PATH, else /usr/sbin/nginx),
# STREAMLIT_SERVER_COOKIE_SECRET (see above).
set -euo pipefail
if ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] < 501)); then
  echo "serve.sh: needs bash 5.1 or newer (for wait -n -p), this is $BASH_VERSION" >&2
  exit 2
fi

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
replicas=2
port=8600
address=127.0.0.1
log_dir=""
stop_timeout_s=15

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
}

while (($#)); do
  case $1 in
    --replicas) replicas=${2-}; shift 2 || true ;;
    --replicas=*) replicas=${1#*=}; shift ;;
    --port) port=${2-}; shift 2 || true ;;
    --port=*) port=${1#*=}; shift ;;
    --address) address=${2-}; shift 2 || true ;;
    --address=*) address=${1#*=}; shift ;;
    --log-dir) log_dir=${2-}; shift 2 || true ;;
    --log-dir=*) log_dir=${1#*=}; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "serve.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
if ! [[ $replicas =~ ^[1-9][0-9]*$ ]] || ((replicas > 64)); then
  echo "serve.sh: --replicas must be a whole number from 1 to 64, but got '$replicas'" >&2
  exit 2
fi
if ! [[ $port =~ ^[1-9][0-9]*$ ]] || ((port > 65535)); then
  echo "serve.sh: --port must be a port number from 1 to 65535, but got '$port'" >&2
  exit 2
fi

python=${POOLING_LAB_PYTHON:-}
if [[ -z $python ]]; then
  if [[ -x $repo/.venv/bin/python ]]; then python=$repo/.venv/bin/python; else python=python3; fi
fi
if ! "$python" -c 'import socket, sys
with socket.socket() as probe:
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    probe.bind((sys.argv[1], int(sys.argv[2])))' "$address" "$port" 2>/dev/null; then
  echo "serve.sh: cannot listen on $address:$port (in use, or not an address of this machine)" >&2
  exit 2
fi
nginx=${POOLING_LAB_NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
if [[ ! -x $nginx ]]; then
  echo "serve.sh: nginx not found at '$nginx': install Debian's nginx (apt-get install nginx)" >&2
  exit 2
fi

# --- everything started from here on is stopped by `stop`
pids=()
stopping=0
run_dir=""
ticker=""  # the one-second sleep of the final wait (see there)

stop() {
  local status=$1
  ((stopping)) && return
  stopping=1
  trap '' TERM INT HUP
  if [[ -n $ticker ]]; then
    kill "$ticker" 2>/dev/null || true
    wait "$ticker" 2>/dev/null || true
  fi
  if ((${#pids[@]})); then
    echo "serve.sh: stopping ${#pids[@]} processes (${pids[*]})"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    # bash reaps its children as they exit, so `kill -0` fails once a child is gone.
    local deadline=$((SECONDS + stop_timeout_s)) pid
    for pid in "${pids[@]}"; do
      while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then
        echo "serve.sh: pid $pid ignored SIGTERM for ${stop_timeout_s} s: SIGKILL" >&2
        kill -KILL "$pid" 2>/dev/null || true
      fi
      wait "$pid" 2>/dev/null || true
    done
  fi
  [[ -n $run_dir ]] && rm -rf "$run_dir"
  echo "serve.sh: stopped"
  exit "$status"
}
trap 'stop 143' TERM
trap 'stop 130' INT
trap 'stop 129' HUP
trap 'stop $?' EXIT

run_dir=$(mktemp -d "${TMPDIR:-/tmp}/pooling-lab-serve.XXXXXX")
# nginx's workers drop root to `nobody`: let them reach the files below (nothing secret here).
chmod 711 "$run_dir"
if [[ -z $log_dir ]]; then log_dir=$run_dir/logs; fi
mkdir -p "$log_dir"
log_dir=$(cd "$log_dir" && pwd)

if [[ -n ${STREAMLIT_SERVER_COOKIE_SECRET:-} ]]; then
  secret_from="from STREAMLIT_SERVER_COOKIE_SECRET"
else
  STREAMLIT_SERVER_COOKIE_SECRET=$("$python" -c 'import secrets; print(secrets.token_hex(32))')
  secret_from="generated for this run"
fi
export STREAMLIT_SERVER_COOKIE_SECRET

# Free ports for the replicas: all bound at once (so they differ), then released.
mapfile -t ports < <("$python" - "$replicas" "$port" <<'PY'
import socket, sys
count, taken = int(sys.argv[1]), int(sys.argv[2])
probes = []
while len(probes) < count:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    if probe.getsockname()[1] == taken:
        continue
    probes.append(probe)
print("\n".join(str(probe.getsockname()[1]) for probe in probes))
PY
)

cd "$repo"  # Streamlit reads .streamlit/config.toml from the working directory
echo "serve.sh: cookie secret ${secret_from}, shared by every replica; logs in $log_dir"
for i in $(seq 1 "$replicas"); do
  replica_port=${ports[i - 1]}
  "$python" -m streamlit run app.py \
    --server.headless true \
    --browser.gatherUsageStats false \
    --server.address 127.0.0.1 \
    --server.port "$replica_port" \
    >"$log_dir/replica-$i.log" 2>&1 &
  pids+=($!)
  echo "serve.sh: replica $i pid $! http://127.0.0.1:$replica_port"
done

servers=""
for replica_port in "${ports[@]}"; do servers+="server 127.0.0.1:$replica_port; "; done
literal() { printf '%s' "$1" | sed -e 's/[&|\\]/\\&/g'; }  # as a sed replacement
sed -e "s|@RUN_DIR@|$(literal "$run_dir")|g" -e "s|@LOG_DIR@|$(literal "$log_dir")|g" \
  -e "s|@LISTEN@|$address:$port|g" -e "s|@SERVERS@|$servers|g" \
  "$repo/deploy/nginx.conf.in" >"$run_dir/nginx.conf"
"$nginx" -t -q -p "$run_dir/" -c "$run_dir/nginx.conf"
"$nginx" -p "$run_dir/" -c "$run_dir/nginx.conf" &
nginx_pid=$!
pids+=("$nginx_pid")
echo "serve.sh: nginx pid $nginx_pid http://$address:$port -> the replicas (health 503 until they are warm)"

# Wait for whichever ends first: the warm-up (then carry on) or a replica or nginx (then stop).
"$python" "$repo/deploy/warm_up.py" "${ports[@]}" &
warm_pid=$!
pids+=("$warm_pid")
status=0
wait -n -p finished "${pids[@]}" || status=$?
if [[ ${finished:-} != "$warm_pid" ]]; then
  echo "serve.sh: pid ${finished:-?} exited (status $status) before the replicas were warm" >&2
  tail -n 20 "$log_dir"/replica-*.log "$log_dir/nginx-error.log" >&2 2>/dev/null || true
  stop 1
fi
pids=("${pids[@]:0:${#pids[@]}-1}")  # the warm-up is over
if ((status != 0)); then
  echo "serve.sh: warm-up failed (status $status)" >&2
  stop 1
fi
touch "$run_dir/warm"
echo "serve.sh: ready: http://$address:$port (every replica warm)"

# Wait in one-second turns: a signal that lands just as `wait -n` starts can stay pending until
# a child exits (seen once in ~40 runs: SIGINT right after "ready", ignored for 30 s); the
# ticker's exit wakes the wait, and the pending trap runs at the next command.
status=0
while :; do
  sleep 1 &
  ticker=$!
  finished=""
  wait -n -p finished "${pids[@]}" "$ticker" || status=$?
  [[ ${finished:-} == "$ticker" ]] || break
  status=0
done
kill "$ticker" 2>/dev/null || true
wait "$ticker" 2>/dev/null || true
echo "serve.sh: pid ${finished:-?} exited on its own (status $status): stopping the rest" >&2
tail -n 20 "$log_dir"/replica-*.log "$log_dir/nginx-error.log" >&2 2>/dev/null || true
stop 1
