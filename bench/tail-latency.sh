#!/usr/bin/env bash
# Where a proxy's latency tail comes from: one proxy at a time, pinned as in proxy-vs-nginx.sh
# (the proxy on CPU 1, wrk and the backends on CPU 0), wrk's full percentiles and the CPU of each
# of the proxy's threads over the measured window.
#
#   bench/tail-latency.sh [--proxy balancer|nginx] [--log] [--renice] [--conns N]
#                         [--warmup S] [--duration S] [--gap S] [--jfr]
#                                                          (warm-up: 60 s in 10 s slices)
#
#   --proxy   balancer (default): the appliance jar with a 10% canary; nginx: one worker, 9:1
#   --log     balancer: the JSON access log on (to /dev/null); nginx: the same fields, buffered
#   --renice  balancer: after the warm-up, every thread but the data plane's event loops
#             (bankops-proxy-*) gets nice 19, to see how much of the tail is the JVM's other
#             threads (JIT compilers, GC, the log writer, Vert.x) sharing the proxy's core
#   --gap     S seconds without load between the warm-up and the measurement (the proxy idles,
#             as between the rounds of proxy-vs-nginx.sh without --rewarm)
#   --jfr     balancer: a JFR recording; prints the JIT's deoptimisations and compilations and the
#             collector's pauses in the measured window (bench/lib/jit_window.py)
#
# Prints p50 … p99.9 and max (µs) and, for the balancer, each thread's CPU ticks in the window.
# Everything listens on 127.0.0.1 only; every process started here is stopped on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PROXY=balancer
LOG=0
RENICE=0
CONNS=64
WARMUP=60
DURATION=10
GAP=0
JFR=0
BASE_PORT="${BENCH_BASE_PORT:-18380}"
JAR="${BALANCER_JAR:-$ROOT/balancer/target/balancer-0.1.0-SNAPSHOT-all.jar}"
JVM_OPTS="${BENCH_JVM_OPTS:--Xms256m -Xmx256m -Xmn160m -XX:+UseParallelGC -XX:+AlwaysPreTouch -XX:-UsePerfData}"

while [ $# -gt 0 ]; do
  case "$1" in
    --proxy) PROXY="$2"; shift ;;
    --log) LOG=1 ;;
    --renice) RENICE=1 ;;
    --conns) CONNS="$2"; shift ;;
    --warmup) WARMUP="$2"; shift ;;
    --duration) DURATION="$2"; shift ;;
    --gap) GAP="$2"; shift ;;
    --jfr) JFR=1 ;;
    -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
case "$PROXY" in balancer | nginx) ;; *) echo "--proxy balancer|nginx" >&2; exit 2 ;; esac

missing=()
command -v nginx >/dev/null 2>&1 || missing+=(nginx-light)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v taskset >/dev/null 2>&1 || missing+=(util-linux)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ "$PROXY" = balancer ] && [ ! -f "$JAR" ]; then
  echo "no jar at $JAR: ./mvnw -o -q -B -DskipTests install first" >&2
  exit 2
fi

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.3
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

BACKEND1=$BASE_PORT
BACKEND2=$((BASE_PORT + 1))
PORT=$((BASE_PORT + 2))

nginx_conf() { # nginx_conf DIR HTTP_BODY: a one-worker NGINX with its files under DIR
  mkdir -p "$WORK/$1"
  cat >"$WORK/$1/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $WORK/$1/nginx.pid;
error_log $WORK/$1/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/$1/body;
  proxy_temp_path $WORK/$1/proxy;
  fastcgi_temp_path $WORK/$1/fastcgi;
  uwsgi_temp_path $WORK/$1/uwsgi;
  scgi_temp_path $WORK/$1/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
$2
}
EOF
}

nginx_conf backends "
  server { listen 127.0.0.1:$BACKEND1; location / { return 200 \"ok from $BACKEND1\n\"; } }
  server { listen 127.0.0.1:$BACKEND2; location / { return 200 \"ok from $BACKEND2\n\"; } }"
taskset -c 0 nginx -p "$WORK/backends" -c "$WORK/backends/nginx.conf" &
PIDS+=($!)

if [ "$PROXY" = nginx ]; then
  access=""
  if [ "$LOG" = 1 ]; then
    # shellcheck disable=SC2016 # NGINX variables, not shell ones
    access='  log_format bank escape=json '"'"'{"@timestamp":"$time_iso8601","requestId":"$request_id","method":"$request_method","path":"$request_uri","status":$status,"backend":"$upstream_addr","latencyMicros":"$request_time","bytesOut":$body_bytes_sent}'"'"';
  access_log /dev/null bank buffer=64k flush=1s;'
  fi
  nginx_conf proxy "$access
  upstream bank {
    server 127.0.0.1:$BACKEND1 weight=9;
    server 127.0.0.1:$BACKEND2 weight=1;
    keepalive 128;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$PORT;
    location / {
      proxy_pass http://bank;
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    }
  }"
  taskset -c 1 nginx -p "$WORK/proxy" -c "$WORK/proxy/nginx.conf" &
  PID=$!
else
  cat >"$WORK/config.yaml" <<EOF
http: {host: 127.0.0.1}
admin: {host: 127.0.0.1}
routing: {canaryPercent: 10, slowStartMs: 0}
backends:
  - {pool: stable, host: 127.0.0.1, port: $BACKEND1, version: "1"}
  - {pool: canary, host: 127.0.0.1, port: $BACKEND2, version: "2"}
EOF
  if [ "$JFR" = 1 ]; then
    # the default settings, with every compilation recorded (not only those over 1 s)
    jdk=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    sed 's/<setting name="threshold" control="compiler-compilation-threshold">1000 ms</<setting name="threshold">0 ms</' \
      "$jdk/lib/jfr/default.jfc" >"$WORK/jit.jfc"
    JVM_OPTS="$JVM_OPTS -XX:StartFlightRecording=filename=$WORK/run.jfr,settings=$WORK/jit.jfc"
  fi
  # shellcheck disable=SC2086 # JVM_OPTS is a list of words
  BANKOPS_CONFIG="$WORK/config.yaml" BANKOPS_HTTP_PORT=$PORT BANKOPS_ADMIN_PORT=$((PORT + 1)) \
    BANKOPS_ADMIN_TOKEN=bench-token-0123456789abcdef \
    BANKOPS_ACCESS_LOG=$([ "$LOG" = 1 ] && echo true || echo false) \
    taskset -c 1 java $JVM_OPTS -jar "$JAR" run >/dev/null 2>"$WORK/stderr.log" &
  PID=$!
fi
PIDS+=("$PID")

for _ in $(seq 1 300); do
  curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/" 2>/dev/null && break
  sleep 0.1
done
curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$PORT/" || { echo "the proxy does not answer" >&2; exit 1; }

cat >"$WORK/pct.lua" <<'EOF'
done = function(summary, latency, requests)
  local out = ""
  for _, p in ipairs({50, 90, 95, 97, 98, 99, 99.5, 99.9}) do
    out = out .. string.format("p%s %d  ", p, latency:percentile(p))
  end
  io.write(out .. string.format("max %d  (µs)\n", latency.max))
end
EOF

echo "[tail] $PROXY$([ "$LOG" = 1 ] && echo ' log on' || echo ' log off'), $CONNS connections: warm-up ${WARMUP}s"
# in slices of at most 10 s, as bench/proxy-vs-nginx.sh does (why: there, warm_up)
left=$WARMUP
while [ "$left" -gt 0 ]; do
  slice=$((left < 10 ? left : 10))
  taskset -c 0 wrk -t2 -c"$CONNS" -d"${slice}s" "http://127.0.0.1:$PORT/a" | awk '/Requests\/sec/ {print "[tail] warm-up " $2 " req/s"}'
  left=$((left - slice))
done

threads() { # name utime+stime per thread of the proxy
  local t
  for t in /proc/"$PID"/task/*; do
    printf '%s %s\n' "$(tr ' ' '_' <"$t/comm")" "$(sed 's/^.*) //' "$t/stat" | awk '{print $12 + $13}')"
  done
}
if [ "$PROXY" = balancer ] && [ "$RENICE" = 1 ]; then
  n=0
  for t in /proc/"$PID"/task/*; do
    case "$(cat "$t/comm")" in bankops-proxy*) ;; *) renice -n 19 -p "$(basename "$t")" >/dev/null && n=$((n + 1)) ;; esac
  done
  echo "[tail] reniced $n threads (all but the event loops) to 19"
fi
if [ "$GAP" -gt 0 ]; then
  echo "[tail] idle for ${GAP}s"
  sleep "$GAP"
fi
[ "$PROXY" = balancer ] && threads >"$WORK/before"
${BEFORE_MEASURE:-true}
t0=$(date +%s.%N)
out=$(${CLIENT_PREFIX:-} taskset -c 0 wrk -t2 -c"$CONNS" -d"${DURATION}s" -s "$WORK/pct.lua" "http://127.0.0.1:$PORT/a")
awk '/Requests\/sec/ {print "[tail] measured " $2 " req/s"}' <<<"$out"
echo "[tail] $(tail -1 <<<"$out")"
if [ "$PROXY" = balancer ]; then
  threads >"$WORK/after"
  echo "[tail] CPU ticks per thread in the window (100 per second of one core):"
  awk 'NR == FNR {b[$1] += $2; next} {a[$1] += $2} END {for (k in a) if (a[k] - b[k] > 0) printf "  %-24s %d\n", k, a[k] - b[k]}' \
    "$WORK/before" "$WORK/after" | sort -k2 -n -r
fi
if [ "$PROXY" = balancer ] && [ "$JFR" = 1 ]; then
  # the recording is written at exit
  kill "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  echo "[tail] the JIT and the collector in the measured window (JFR):"
  python3 "$ROOT/bench/lib/jit_window.py" "$WORK/run.jfr" "$t0" "$DURATION"
fi
