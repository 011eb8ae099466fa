#!/usr/bin/env bash
# The balancer against NGINX as a reverse proxy, in front of the same two cheap backends.
#
#   bench/proxy-vs-nginx.sh [--quick] [--duration S] [--warmup S] [--rewarm S] [--pairs N]
#                           [--conns "64 8"] [--no-pin] [--baseline JAR]
#
# Rounds, per connection count, after a warm-up of every proxy (60 s in slices of 10 s, warm_up):
#   A  = NGINX (1 worker, static weights 9:1, keepalive upstreams, access_log off)
#   A' = the same NGINX with a JSON access log of the same fields, buffered (64 KiB), as an
#        operator would run it: the like-for-like reference of B
#   B  = balancer, 10% canary, JSON access log ON  (the default of the appliance)
#   C  = balancer, 10% canary, JSON access log OFF (BANKOPS_ACCESS_LOG=false)
# in the order A A' B C A A' B C ... (both logs go to /dev/null: formatting and the write are
# paid, no disk fills up).
# --baseline JAR adds an A/B of two builds: B0 and C0 = that jar (log on / off), run in the same
# pairs (A B0 B C0 C ...), with the ratios new build ÷ baseline.
# Per round: requests/s, p50, p99 (wrk --latency) and the proxy's CPU per request in µs
# (utime+stime of the proxy's processes from /proc/<pid>/stat, before/after, ÷ requests;
# NGINX: master + worker). Then paired ratios balancer ÷ NGINX (both without a log, and B ÷ A'
# with one) and their medians.
#
# Pinning (default on, --no-pin turns it off): on this 2-core machine each proxy gets CPU 1 to
# itself (NGINX: one worker; the JVM sees one processor, hence one event loop), while wrk and the
# backends share CPU 0. Equal hardware for both proxies, and far steadier than letting four busy
# processes float over two cores.
#
# Everything listens on 127.0.0.1 only; every process started here is killed on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=10
WARMUP=60
# seconds of unmeasured load right before each measured round (0: none): the round then measures
# the proxy under load, not its first seconds after 30 s of idling while the others were measured
REWARM=5
PAIRS=3
CONNS="64 8"
PIN=1
QUICK=0
BASELINE_JAR=""
PROXIES="nginx nginx-log on off"
JAR="${BALANCER_JAR:-$ROOT/balancer/target/balancer-0.1.0-SNAPSHOT-all.jar}"
# Heap fixed and pre-touched; ParallelGC: the cheapest barriers, young pauses well under 1 ms here.
JVM_OPTS="${BENCH_JVM_OPTS:--Xms256m -Xmx256m -Xmn160m -XX:+UseParallelGC -XX:+AlwaysPreTouch -XX:-UsePerfData}"
BASE_PORT="${BENCH_BASE_PORT:-18180}"
# BENCH_GC_LOG_DIR: each balancer writes its GC log there as gc-<port>.log (allocation per request)
GC_LOG_DIR="${BENCH_GC_LOG_DIR:-}"
# BENCH_PROXY_CONFIG: a YAML flow mapping for the "proxy" key of this build only (not the
# baseline), e.g. '{upstreamPipelining: true}'; with --baseline set to the same jar it is an A/B
# of that setting
PROXY_CONFIG="${BENCH_PROXY_CONFIG:-}"
# BENCH_BASELINE_PROXY_CONFIG: the same for the baseline's balancers only, e.g. '{engine: vertx}'
# with --baseline set to the same jar: an A/B of the two data-plane engines
BASELINE_PROXY_CONFIG="${BENCH_BASELINE_PROXY_CONFIG:-}"

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --duration) DURATION="$2"; shift ;;
    --warmup) WARMUP="$2"; shift ;; # per proxy and connection count, in slices (warm_up)
    --rewarm) REWARM="$2"; shift ;;
    --pairs) PAIRS="$2"; shift ;;
    --conns) CONNS="$2"; shift ;;
    --no-pin) PIN=0 ;;
    --baseline) BASELINE_JAR="$2"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
if [ -n "$BASELINE_JAR" ]; then
  [ -f "$BASELINE_JAR" ] || { echo "no such jar: $BASELINE_JAR" >&2; exit 2; }
  PROXIES="nginx nginx-log base-on on base-off off"
fi
if [ "$QUICK" = 1 ]; then
  DURATION=2
  WARMUP=10
  PAIRS=1
  REWARM=1
fi

BACKEND1=$BASE_PORT
BACKEND2=$((BASE_PORT + 1))
NGINX_PORT=$((BASE_PORT + 2))
BAL_ON_PORT=$((BASE_PORT + 3))
BAL_OFF_PORT=$((BASE_PORT + 5))
BASE_ON_PORT=$((BASE_PORT + 7))
BASE_OFF_PORT=$((BASE_PORT + 9))
NGINX_LOG_PORT=$((BASE_PORT + 11))
HZ=$(getconf CLK_TCK)

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

need() {
  local missing=()
  command -v nginx >/dev/null 2>&1 || missing+=(nginx-light)
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  command -v taskset >/dev/null 2>&1 || missing+=(util-linux)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  command -v java >/dev/null 2>&1 || { echo "java not found" >&2; exit 1; }
  if [ ! -f "$JAR" ]; then
    log "building the balancer jar"
    (cd "$ROOT" && ./mvnw -o -q -B -DskipTests -Djacoco.skip=true -Dspotless.check.skip=true \
      install -pl balancer -am)
  fi
}

WORK=$(mktemp -d /tmp/bankops-bench.XXXXXX)
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do
    kill "$p" 2>/dev/null || true
  done
  sleep 0.3
  for p in "${PIDS[@]}"; do
    kill -9 "$p" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Command prefixes (arrays, so that "$!" is the process itself, not a subshell around it).
CPU0=()
CPU1=()
set_pinning() {
  if [ "$PIN" = 1 ]; then
    CPU0=(taskset -c 0)
    CPU1=(taskset -c 1)
  fi
}

wait_port() { # wait_port PORT: until a TCP connect to 127.0.0.1:PORT succeeds (max 30 s)
  local _i
  for _i in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "nothing listens on 127.0.0.1:$1" >&2
  return 1
}

nginx_common() { # error log, pid and temp paths inside $WORK/$1
  cat <<EOF
daemon off;
worker_processes 1;
pid $WORK/$1/nginx.pid;
error_log $WORK/$1/error.log warn;
events { worker_connections 4096; }
EOF
}

nginx_http_common() {
  cat <<EOF
  access_log off;
  client_body_temp_path $WORK/$1/body;
  proxy_temp_path $WORK/$1/proxy;
  fastcgi_temp_path $WORK/$1/fastcgi;
  uwsgi_temp_path $WORK/$1/uwsgi;
  scgi_temp_path $WORK/$1/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
EOF
}

start_backends() {
  mkdir -p "$WORK/backends"
  {
    nginx_common backends
    echo "http {"
    nginx_http_common backends
    for port in "$BACKEND1" "$BACKEND2"; do
      cat <<EOF
  server {
    listen 127.0.0.1:$port reuseport;
    location / { default_type text/plain; return 200 "ok from $port\n"; }
  }
EOF
    done
    echo "}"
  } >"$WORK/backends/nginx.conf"
  "${CPU0[@]}" nginx -p "$WORK/backends" -c "$WORK/backends/nginx.conf" &
  PIDS+=($!)
}

start_nginx_proxy() { # start_nginx_proxy DIR PORT [log] -> sets NGINX_STARTED
  local dir=$1 port=$2 access=""
  mkdir -p "$WORK/$dir"
  if [ "${3:-}" = log ]; then
    # the fields of the balancer's access-log line, as JSON
    access=$(
      cat <<'EOF'
  log_format bank escape=json '{"@timestamp":"$time_iso8601","message":"$request_method $request_uri $status","logger_name":"access","level":"INFO","requestId":"$request_id","method":"$request_method","path":"$request_uri","status":$status,"backend":"$upstream_addr","attempts":1,"latencyMicros":"$request_time","bytesOut":$body_bytes_sent}';
  access_log /dev/null bank buffer=64k flush=1s;
EOF
    )
  fi
  {
    nginx_common "$dir"
    cat <<EOF
http {
$(nginx_http_common "$dir")
$access
  upstream bank {
    server 127.0.0.1:$BACKEND1 weight=9;
    server 127.0.0.1:$BACKEND2 weight=1;
    keepalive 128;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$port reuseport;
    location / {
      proxy_pass http://bank;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-Host \$host;
    }
  }
}
EOF
  } >"$WORK/$dir/nginx.conf"
  "${CPU1[@]}" nginx -p "$WORK/$dir" -c "$WORK/$dir/nginx.conf" &
  NGINX_STARTED=$!
  PIDS+=("$NGINX_STARTED")
}

start_balancer() { # start_balancer PORT ACCESS_LOG(true|false) [JAR] -> sets BAL_PID
  local port=$1 access=$2 jar=${3:-$JAR} dir="$WORK/balancer-$1"
  mkdir -p "$dir"
  cat >"$dir/config.yaml" <<EOF
http: {host: 127.0.0.1}
admin: {host: 127.0.0.1}
routing: {canaryPercent: 10, slowStartMs: 0}
backends:
  - {pool: stable, host: 127.0.0.1, port: $BACKEND1, version: "1"}
  - {pool: canary, host: 127.0.0.1, port: $BACKEND2, version: "2"}
EOF
  if [ -n "$PROXY_CONFIG" ] && [ -z "${3:-}" ]; then
    echo "proxy: $PROXY_CONFIG" >>"$dir/config.yaml"
  fi
  if [ -n "$BASELINE_PROXY_CONFIG" ] && [ -n "${3:-}" ]; then
    echo "proxy: $BASELINE_PROXY_CONFIG" >>"$dir/config.yaml"
  fi
  # The access log goes to /dev/null: encoding and the write are paid, no disk fills up.
  # shellcheck disable=SC2086 # JVM_OPTS is a list of words
  BANKOPS_CONFIG="$dir/config.yaml" BANKOPS_HTTP_PORT=$port BANKOPS_ADMIN_PORT=$((port + 1)) \
    BANKOPS_ADMIN_TOKEN=bench-token-0123456789abcdef BANKOPS_ACCESS_LOG=$access \
    "${CPU1[@]}" java $JVM_OPTS ${GC_LOG_DIR:+"-Xlog:gc:file=$GC_LOG_DIR/gc-$port.log"} \
    -jar "$jar" run >/dev/null 2>"$dir/stderr.log" &
  BAL_PID=$!
  PIDS+=("$BAL_PID")
}

cpu_ticks() { # cpu_ticks PID...: utime+stime of the processes, in clock ticks
  local total=0 p f
  for p in "$@"; do
    # fields after the ")" of comm: state is $1, utime $12, stime $13
    f=$(sed 's/^.*) //' "/proc/$p/stat")
    # shellcheck disable=SC2086 # split the fields on purpose
    set -- $f
    total=$((total + ${12} + ${13}))
  done
  echo "$total"
}

to_us() { # 1.23ms -> 1230 (µs), 850.00us -> 850, 1.2s -> 1200000
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") m = 1; else if (u == "ms") m = 1000; else if (u == "s") m = 1000000; else m = 1
    printf "%.0f", n * m }'
}

proxy_pids() { # proxy_pids NAME: the processes whose CPU counts for that proxy
  case "$1" in
    nginx) echo "$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')" ;;
    nginx-log) echo "$NGINX_LOG_PID $(pgrep -P "$NGINX_LOG_PID" | tr '\n' ' ')" ;;
    on) echo "$BAL_ON_PID" ;;
    off) echo "$BAL_OFF_PID" ;;
    base-on) echo "$BASE_ON_PID" ;;
    base-off) echo "$BASE_OFF_PID" ;;
  esac
}

proxy_port() {
  case "$1" in
    nginx) echo "$NGINX_PORT" ;;
    nginx-log) echo "$NGINX_LOG_PORT" ;;
    on) echo "$BAL_ON_PORT" ;;
    off) echo "$BAL_OFF_PORT" ;;
    base-on) echo "$BASE_ON_PORT" ;;
    base-off) echo "$BASE_OFF_PORT" ;;
  esac
}

RESULTS="$WORK/results.tsv" # conns pair proxy rps p50us p99us cpu_us_per_req errors

# The warm-up runs in slices of at most 10 s, and wrk closes its connections at the end of each,
# as clients do all day. After one long run the JIT's profile has no connection ever closing: the
# close at its end deoptimises the hot path (JFR: unstable_if traps in Netty's write and flush and
# in the outcome accounting), and the measured round then starts with C2 recompiling it on the
# proxy's one core. That, not the proxy, was the largest part of the measured p99
# (docs/benchmarks.md, sixth round). NGINX gets the same slices.
warm_up() { # warm_up PROXY CONNS
  local left=$WARMUP slice
  while [ "$left" -gt 0 ]; do
    slice=$((left < 10 ? left : 10))
    run_round "$1" "$2" "$slice" 0
    left=$((left - slice))
  done
}

run_round() { # run_round PROXY CONNS SECONDS PAIR(0 = warm-up)
  local proxy=$1 conns=$2 secs=$3 pair=$4 pids before after out reqs rps p50 p99 cpu errs
  # shellcheck disable=SC2207
  pids=($(proxy_pids "$proxy"))
  before=$(cpu_ticks "${pids[@]}")
  out=$("${CPU0[@]}" wrk -t2 -c"$conns" -d"${secs}s" --timeout 5s --latency \
    "http://127.0.0.1:$(proxy_port "$proxy")/accounts/bench")
  after=$(cpu_ticks "${pids[@]}")
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  rps=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
  p50=$(to_us "$(awk '$1 == "50%" {print $2}' <<<"$out")")
  p99=$(to_us "$(awk '$1 == "99%" {print $2}' <<<"$out")")
  errs=$(awk '/Non-2xx|Socket errors/ {s = s $0 " "} END {print (s == "" ? "0" : s)}' <<<"$out")
  cpu=$(awk -v t=$((after - before)) -v hz="$HZ" -v n="$reqs" \
    'BEGIN {printf "%.1f", (n > 0 ? t * 1e6 / hz / n : 0)}')
  if [ "$pair" = 0 ]; then
    log "warm-up $proxy c=$conns: $rps req/s"
    return
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$conns" "$pair" "$proxy" "$rps" "$p50" "$p99" \
    "$cpu" "${errs// /_}" >>"$RESULTS"
  log "$(printf 'c=%-3s pair %s %-12s %8s req/s  p50 %6s µs  p99 %6s µs  cpu %6s µs/req  errors: %s' \
    "$conns" "$pair" "$(label "$proxy")" "$rps" "$p50" "$p99" "$cpu" "$errs")"
}

label() {
  case "$1" in
    nginx) echo "nginx" ;;
    nginx-log) echo "nginx/log" ;;
    on-nlog) echo "balancer/log÷nginx/log" ;;
    on) echo "balancer/log" ;;
    off) echo "balancer/nolog" ;;
    base-on) echo "baseline/log" ;;
    base-off) echo "baseline/nolog" ;;
  esac
}

summary() {
  echo
  echo "== per round (proxy CPU on $([ "$PIN" = 1 ] && echo 'CPU 1, wrk+backends on CPU 0' || echo 'unpinned'))"
  printf '%-5s %-4s %-15s %9s %8s %8s %11s\n' conns pair proxy "req/s" "p50 µs" "p99 µs" "cpu µs/req"
  while IFS=$'\t' read -r c p x rps p50 p99 cpu _; do
    printf '%-5s %-4s %-15s %9s %8s %8s %11s\n' "$c" "$p" "$(label "$x")" "$rps" "$p50" "$p99" "$cpu"
  done <"$RESULTS"
  echo
  echo "== paired ratios balancer ÷ nginx, and balancer/log ÷ nginx/log (throughput: higher is"
  echo "   better; p99, cpu: lower is better)"
  printf '%-5s %-4s %-22s %10s %8s %8s\n' conns pair balancer "thr ratio" "p99 r." "cpu r."
  awk -F'\t' '
    $3 == "nginx" { n_rps[$1, $2] = $4; n_p99[$1, $2] = $6; n_cpu[$1, $2] = $7; next }
    $3 == "nginx-log" { l_rps[$1, $2] = $4; l_p99[$1, $2] = $6; l_cpu[$1, $2] = $7; next }
    { k = $1 SUBSEP $2; rows[++r] = $0 }
    END {
      for (i = 1; i <= r; i++) {
        split(rows[i], f, "\t"); k = f[1] SUBSEP f[2]
        if ((k in n_rps) && n_rps[k] > 0 && n_p99[k] > 0 && n_cpu[k] > 0)
          printf "%s\t%s\t%s\t%.3f\t%.3f\t%.3f\n", f[1], f[2], f[3], f[4] / n_rps[k], f[6] / n_p99[k], f[7] / n_cpu[k]
        if (f[3] == "on" && (k in l_rps) && l_rps[k] > 0 && l_p99[k] > 0 && l_cpu[k] > 0)
          printf "%s\t%s\t%s\t%.3f\t%.3f\t%.3f\n", f[1], f[2], "on-nlog", f[4] / l_rps[k], f[6] / l_p99[k], f[7] / l_cpu[k]
      }
    }' "$RESULTS" >"$WORK/ratios.tsv"
  while IFS=$'\t' read -r c p x t q u; do
    printf '%-5s %-4s %-22s %10s %8s %8s\n' "$c" "$p" "$(label "$x")" "$t" "$q" "$u"
  done <"$WORK/ratios.tsv"
  echo
  echo "== medians"
  printf '%-5s %-22s %9s %8s %11s %10s %8s %8s\n' conns proxy "req/s" "p99 µs" "cpu µs/req" \
    "thr ratio" "p99 r." "cpu r."
  local c x
  for c in $CONNS; do
    for x in $PROXIES; do
      printf '%-5s %-22s %9s %8s %11s' "$c" "$(label "$x")" \
        "$(median "$RESULTS" "$c" "$x" 4)" "$(median "$RESULTS" "$c" "$x" 6)" \
        "$(median "$RESULTS" "$c" "$x" 7)"
      if [ "$x" = nginx ] || [ "$x" = nginx-log ]; then
        echo
      else
        printf ' %10s %8s %8s\n' "$(median "$WORK/ratios.tsv" "$c" "$x" 4)" \
          "$(median "$WORK/ratios.tsv" "$c" "$x" 5)" "$(median "$WORK/ratios.tsv" "$c" "$x" 6)"
      fi
    done
    if [[ " $PROXIES " == *" nginx-log "* ]]; then
      printf '%-5s %-22s %9s %8s %11s %10s %8s %8s\n' "$c" "$(label on-nlog)" "" "" "" \
        "$(median "$WORK/ratios.tsv" "$c" on-nlog 4)" "$(median "$WORK/ratios.tsv" "$c" on-nlog 5)" \
        "$(median "$WORK/ratios.tsv" "$c" on-nlog 6)"
    fi
  done
  if [ -n "$BASELINE_JAR" ]; then
    echo
    echo "== this build ÷ baseline ($BASELINE_JAR), per pair, then the median"
    printf '%-5s %-4s %-15s %10s %8s %8s\n' conns pair log "thr ratio" "p99 r." "cpu r."
    awk -F'\t' '
      $3 == "base-on" || $3 == "base-off" { b[$1, $2, substr($3, 6)] = $0; next }
      $3 == "on" || $3 == "off" { rows[++r] = $0 }
      END {
        for (i = 1; i <= r; i++) {
          split(rows[i], f, "\t"); k = f[1] SUBSEP f[2] SUBSEP f[3]
          if (!(k in b)) continue
          split(b[k], g, "\t")
          if (g[4] == 0 || g[6] == 0 || g[7] == 0) continue
          printf "%s\t%s\t%s\t%.3f\t%.3f\t%.3f\n", f[1], f[2], f[3], f[4] / g[4], f[6] / g[6], f[7] / g[7]
        }
      }' "$RESULTS" >"$WORK/ab.tsv"
    while IFS=$'\t' read -r c p x t q u; do
      printf '%-5s %-4s %-15s %10s %8s %8s\n' "$c" "$p" "$x" "$t" "$q" "$u"
    done <"$WORK/ab.tsv"
    for c in $CONNS; do
      for x in on off; do
        printf '%-5s %-4s %-15s %10s %8s %8s\n' "$c" med "$x" "$(median "$WORK/ab.tsv" "$c" "$x" 4)" \
          "$(median "$WORK/ab.tsv" "$c" "$x" 5)" "$(median "$WORK/ab.tsv" "$c" "$x" 6)"
      done
    done
  fi
}

median() { # median FILE CONNS PROXY COLUMN
  awk -F'\t' -v c="$2" -v x="$3" -v col="$4" '$1 == c && $3 == x {print $col}' "$1" | sort -g |
    awk '{v[NR] = $1} END {if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2];
      else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

main() {
  need
  set_pinning
  log "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), load:$(uptime | sed 's/.*load average://')"
  [ -n "$BASELINE_JAR" ] && log "A/B: this build $JAR against the baseline $BASELINE_JAR"
  log "rounds: ${DURATION}s, warm-up ${WARMUP}s in slices of 10 s, ${REWARM}s of load before each round, $PAIRS pair(s), connections: $CONNS, pinning: $([ "$PIN" = 1 ] && echo on || echo off)"
  log "JVM: $JVM_OPTS"
  : >"$RESULTS"
  start_backends
  start_nginx_proxy proxy "$NGINX_PORT"
  NGINX_PID=$NGINX_STARTED
  start_nginx_proxy proxy-log "$NGINX_LOG_PORT" log
  NGINX_LOG_PID=$NGINX_STARTED
  start_balancer "$BAL_ON_PORT" true
  BAL_ON_PID=$BAL_PID
  start_balancer "$BAL_OFF_PORT" false
  BAL_OFF_PID=$BAL_PID
  local port ports=("$BACKEND1" "$BACKEND2" "$NGINX_PORT" "$NGINX_LOG_PORT" "$BAL_ON_PORT"
    "$BAL_OFF_PORT")
  if [ -n "$BASELINE_JAR" ]; then
    start_balancer "$BASE_ON_PORT" true "$BASELINE_JAR"
    BASE_ON_PID=$BAL_PID
    start_balancer "$BASE_OFF_PORT" false "$BASELINE_JAR"
    BASE_OFF_PID=$BAL_PID
    ports+=("$BASE_ON_PORT" "$BASE_OFF_PORT")
  fi
  for port in "${ports[@]}"; do
    wait_port "$port"
  done
  # one request through each proxy must answer 200 before anything is measured
  local x
  for x in $PROXIES; do
    if ! curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$(proxy_port "$x")/"; then
      echo "$(label "$x") does not answer 200" >&2
      exit 1
    fi
  done
  local c pair
  for c in $CONNS; do
    for x in $PROXIES; do
      warm_up "$x" "$c"
    done
    for pair in $(seq 1 "$PAIRS"); do
      for x in $PROXIES; do
        if [ "$REWARM" -gt 0 ]; then
          run_round "$x" "$c" "$REWARM" 0
        fi
        run_round "$x" "$c" "$DURATION" "$pair"
      done
    done
  done
  log "done; load:$(uptime | sed 's/.*load average://')"
  summary
}

main
