#!/usr/bin/env bash
# Throughput of wharf-emulator against nginx serving the identical bytes.
#
# Run it as `cargo xtask bench-emulator [FLAGS]` (or `bash benches/emulator-throughput.sh`
# from the workspace root); `--help` lists the flags. It installs nothing: wrk, nginx
# and curl must be there already, and when one is missing it says which Debian
# packages to install and stops.
#
# What it does, in order:
#   1. builds the emulator in release and generates a 20,000-repository dataset;
#   2. starts the emulator (--no-auth, quiet logging) on a free loopback port, fetches
#      GET /v2/manage/repos?offset=0&limit=100 once and writes the body to a file;
#   3. starts nginx (its own config in a temp dir, one process) serving that file at
#      the same path and checks that the bodies are byte-identical;
#   4. for each connection count, for each round, runs wrk against the emulator and
#      against nginx, alternating which goes first, and reads each server's CPU time
#      from /proc/PID/stat before and after the run;
#   5. does it again with the emulator restarted with auth on (the demo IAM token
#      sent as X-Auth-Token by wrk, to nginx too so both get the same request);
#   6. prints a table and writes it as Markdown to TARGET_DIR/bench-emulator/results.md.
#
# wrk runs with one thread by default: on a 2-core machine a second wrk thread takes
# CPU from the server being measured.

set -euo pipefail

usage() {
    cat <<'EOF'
usage: cargo xtask bench-emulator [FLAGS]
       bash benches/emulator-throughput.sh [FLAGS]

Throughput of wharf-emulator against nginx serving the identical bytes
(GET /v2/manage/repos?offset=0&limit=100 from a 20,000-repository dataset, about
50 KB), measured with wrk, interleaved, with auth off and auth on. Prints a table
and writes it as Markdown to TARGET_DIR/bench-emulator/results.md.

flags:
  --duration D       seconds per wrk run (default 5)
  --rounds R         rounds per connection count; the table shows medians (default 3)
  --connections L    comma-separated connection counts (default 1,16,64)
  --threads T        wrk threads (default 1: on 2 cores a second wrk thread
                     competes with the server being measured); capped at the
                     connection count
  --warmup S         seconds of unrecorded load on each server before measuring
                     (default 1; 0 skips it)
  --out DIR          where results.md, runs.tsv and the wrk outputs go
                     (default TARGET_DIR/bench-emulator)
  --keep-temp        keep the temp dir (dataset, nginx config and logs)
  -h, --help         this help

needs: wrk, nginx, curl (Debian packages wrk, nginx, curl); it installs nothing.
Runs 2 x (connection counts) x R x 2 wrk runs of D seconds each: 36 x 5 s with the
defaults, about 3.5 minutes plus the release build.
EOF
}

DURATION=5
ROUNDS=3
CONNECTIONS=1,16,64
THREADS=1
WARMUP=1
OUT_DIR=
KEEP_TEMP=0

# The dataset and the page, fixed so that results compare across runs.
PAGE='/v2/manage/repos?offset=0&limit=100'
PAGE_PATH='/v2/manage/repos'
TOKEN='wharf-demo-token'
GENERATE_ARGS=(--namespaces 10 --repos 20000 --tags-per-repo 5 --official-images 10 --seed 1)

die() {
    echo "bench-emulator: $*" >&2
    exit 1
}

positive_int() { # NAME VALUE
    [[ $2 =~ ^[0-9]+$ ]] && (($2 > 0)) || die "$1 wants a positive whole number, got '$2'"
}

ORIGINAL_ARGS=("$@")
while (($# > 0)); do
    case $1 in
    --duration) DURATION=${2-}; shift 2 || die "--duration needs a value" ;;
    --rounds) ROUNDS=${2-}; shift 2 || die "--rounds needs a value" ;;
    --connections) CONNECTIONS=${2-}; shift 2 || die "--connections needs a value" ;;
    --threads) THREADS=${2-}; shift 2 || die "--threads needs a value" ;;
    --warmup) WARMUP=${2-}; shift 2 || die "--warmup needs a value" ;;
    --out) OUT_DIR=${2-}; shift 2 || die "--out needs a value" ;;
    --keep-temp) KEEP_TEMP=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown flag '$1'" ;;
    esac
done
positive_int --duration "$DURATION"
positive_int --rounds "$ROUNDS"
positive_int --threads "$THREADS"
[[ $WARMUP =~ ^[0-9]+$ ]] || die "--warmup wants a whole number of seconds, got '$WARMUP'"
IFS=, read -r -a CONNS <<<"$CONNECTIONS"
((${#CONNS[@]} > 0)) || die "--connections is empty"
for c in "${CONNS[@]}"; do positive_int --connections "$c"; done

# The command as the user typed it, for the report.
COMMAND=${WHARF_BENCH_COMMAND:-"bash benches/emulator-throughput.sh${ORIGINAL_ARGS[*]:+ ${ORIGINAL_ARGS[*]}}"}

# --- tools -------------------------------------------------------------------
missing_packages=()
for tool in wrk nginx curl; do
    command -v "$tool" >/dev/null 2>&1 || missing_packages+=("$tool")
done
if ((${#missing_packages[@]} > 0)); then
    {
        echo "bench-emulator: missing: ${missing_packages[*]} (nothing was installed)."
        echo "Install the Debian packages ${missing_packages[*]}:"
        if ((EUID == 0)); then
            echo "    apt-get install -y ${missing_packages[*]}"
        else
            echo "    sudo apt-get install -y ${missing_packages[*]}"
        fi
        echo "(nginx is only run from a config in a temp dir; the package's own service is not used.)"
    } >&2
    exit 1
fi

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case $TARGET_DIR in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
OUT_DIR=${OUT_DIR:-$TARGET_DIR/bench-emulator}
mkdir -p "$OUT_DIR"
OUT_DIR=$(cd "$OUT_DIR" && pwd)
rm -f "$OUT_DIR"/wrk-*.txt "$OUT_DIR/runs.tsv" "$OUT_DIR/results.md"
CLK_TCK=$(getconf CLK_TCK)

# --- processes and cleanup ---------------------------------------------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench-emulator.XXXXXX")
STARTED_PIDS=()

stop_pid() { # PID: TERM, then KILL after 5 s; only the processes this script started
    local pid=$1 i kept=()
    for i in "${STARTED_PIDS[@]}"; do [[ $i == "$pid" ]] || kept+=("$i"); done
    ((${#kept[@]} < ${#STARTED_PIDS[@]})) || return 0 # not ours, or stopped already
    STARTED_PIDS=("${kept[@]}")
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local pid
    for pid in "${STARTED_PIDS[@]}"; do stop_pid "$pid"; done
    if ((KEEP_TEMP)); then
        echo "bench-emulator: temp dir kept: $TMP" >&2
    else
        rm -rf "$TMP"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tail_of() { # FILE: the last lines of a server's stderr, indented
    echo "--- last lines of $1:"
    tail -n 20 "$1" 2>/dev/null | sed 's/^/    /'
}

# --- the emulator --------------------------------------------------------------
echo "bench-emulator: cargo build --release -p wharf-emulator" >&2
cargo build --release -p wharf-emulator
# A copy, taken right after the build: a target dir shared with another worktree
# gets its release/wharf-emulator replaced whenever that worktree builds, and the
# emulator is started twice, minutes apart.
[[ -x $TARGET_DIR/release/wharf-emulator ]] || die "no binary at $TARGET_DIR/release/wharf-emulator after the build"
cp "$TARGET_DIR/release/wharf-emulator" "$TMP/wharf-emulator"
EMULATOR=$TMP/wharf-emulator
EMULATOR_SHA=$(sha256sum "$EMULATOR" | cut -c1-12)

DATASET=$TMP/dataset.json
echo "bench-emulator: wharf-emulator generate ${GENERATE_ARGS[*]}" >&2
"$EMULATOR" generate "${GENERATE_ARGS[@]}" --out "$DATASET"

# Quiet logging: --quiet when this build has it, otherwise RUST_LOG=error (the
# default info level logs a line per request).
QUIET_ARGS=()
if "$EMULATOR" --help | grep -q -- '--quiet'; then
    QUIET_ARGS=(--quiet)
    LOGGING='--quiet'
else
    LOGGING='RUST_LOG=error'
fi

EMULATOR_PID=
EMULATOR_URL=
start_emulator() { # NAME [EXTRA ARGS...]: sets EMULATOR_PID and EMULATOR_URL
    local name=$1 i line
    shift
    local out=$TMP/$name.stdout err=$TMP/$name.stderr
    # Made here: the background job opens its redirections only when it gets to run.
    : >"$out"
    : >"$err"
    RUST_LOG=error "$EMULATOR" --listen 127.0.0.1:0 --dataset "$DATASET" "${QUIET_ARGS[@]}" "$@" \
        >"$out" 2>"$err" &
    EMULATOR_PID=$!
    STARTED_PIDS+=("$EMULATOR_PID")
    for ((i = 0; i < 600; i++)); do
        line=$(head -n 1 "$out")
        if [[ $line == "listening on "* ]]; then
            EMULATOR_URL=${line#listening on }
            echo "bench-emulator: $name: pid $EMULATOR_PID, $EMULATOR_URL" >&2
            return 0
        fi
        if ! kill -0 "$EMULATOR_PID" 2>/dev/null; then
            wait "$EMULATOR_PID" && status=0 || status=$?
            echo "bench-emulator: $name exited with status $status before listening" >&2
            tail_of "$err" >&2
            exit 1
        fi
        sleep 0.1
    done
    echo "bench-emulator: $name did not print 'listening on' within 60 s" >&2
    tail_of "$err" >&2
    exit 1
}

# --- nginx -----------------------------------------------------------------------
NGINX_PID=
NGINX_URL=
start_nginx() { # serves $TMP/page.json at $PAGE_PATH; sets NGINX_PID and NGINX_URL
    local attempt port i
    mkdir -p "$TMP/nginx"
    for ((attempt = 0; attempt < 10; attempt++)); do
        port=$((20000 + RANDOM % 40000))
        # Taken already? (Something answers a connect.)
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
        # One process (master_process off), so its /proc/PID/stat is all of nginx's CPU.
        cat >"$TMP/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
master_process off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000000;
    keepalive_timeout 120s;
    client_body_temp_path $TMP/nginx/client_body;
    proxy_temp_path $TMP/nginx/proxy;
    fastcgi_temp_path $TMP/nginx/fastcgi;
    uwsgi_temp_path $TMP/nginx/uwsgi;
    scgi_temp_path $TMP/nginx/scgi;
    types { }
    server {
        listen 127.0.0.1:$port;
        # An exact location matches the path whatever the query string.
        location = $PAGE_PATH {
            default_type "application/json;charset=UTF-8"; # as the emulator sends it
            add_header Content-Range "$CONTENT_RANGE" always;
            alias $TMP/page.json;
        }
    }
}
EOF
        : >"$TMP/nginx/stderr"
        nginx -e "$TMP/nginx/error.log" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" \
            >/dev/null 2>"$TMP/nginx/stderr" &
        NGINX_PID=$!
        STARTED_PIDS+=("$NGINX_PID")
        NGINX_URL=http://127.0.0.1:$port
        for ((i = 0; i < 100; i++)); do
            if curl -fsS -o /dev/null "$NGINX_URL$PAGE" 2>/dev/null; then
                echo "bench-emulator: nginx: pid $NGINX_PID, $NGINX_URL" >&2
                return 0
            fi
            kill -0 "$NGINX_PID" 2>/dev/null || break
            sleep 0.05
        done
        stop_pid "$NGINX_PID"
        # Lost a race for the port: try another one.
        if grep -qs 'Address already in use' "$TMP/nginx/stderr" "$TMP/nginx/error.log"; then continue; fi
        echo "bench-emulator: nginx did not start" >&2
        tail_of "$TMP/nginx/stderr" >&2
        tail_of "$TMP/nginx/error.log" >&2
        exit 1
    done
    die "nginx found no free port in 10 tries"
}

# --- measuring -------------------------------------------------------------------
cpu_ticks() { # PID: utime + stime of the whole process, in clock ticks
    local stat rest
    stat=$(<"/proc/$1/stat")
    rest=${stat##*) } # past "pid (comm) ", which may hold spaces
    read -r -a fields <<<"$rest"
    # After the comm field, field 3 (state) is index 0: utime (14) is 11, stime (15) is 12.
    echo $((fields[11] + fields[12]))
}

RUNS=$OUT_DIR/runs.tsv
printf 'auth\tconnections\tround\tserver\treq_per_s\trequests\tcpu_us_per_req\tp50\tp99\tsocket_errors\tload1\n' >"$RUNS"

# run_wrk AUTH CONNS ROUND SERVER PID URL [wrk header args...]
run_wrk() {
    local auth=$1 conns=$2 round=$3 server=$4 pid=$5 url=$6
    shift 6
    local threads=$((THREADS < conns ? THREADS : conns))
    local log=$OUT_DIR/wrk-auth-$auth-c$conns-r$round-$server.txt
    local before after status
    before=$(cpu_ticks "$pid")
    wrk -t"$threads" -c"$conns" -d"${DURATION}s" --latency "$@" "$url" >"$log" 2>&1 && status=0 || status=$?
    after=$(cpu_ticks "$pid")
    if ((status != 0)); then
        cat "$log" >&2
        die "wrk against $server exited with status $status (output above, in $log)"
    fi
    if grep -q 'Non-2xx or 3xx responses' "$log"; then
        cat "$log" >&2
        die "$server answered non-2xx responses during the run (wrk output above, in $log)"
    fi
    kill -0 "$pid" 2>/dev/null || die "$server (pid $pid) died during the run"
    local requests rps p50 p99 errors load1 cpu
    requests=$(awk '/ requests in / { print $1 }' "$log")
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$log")
    p50=$(awk '$1 == "50%" { print $2 }' "$log")
    p99=$(awk '$1 == "99%" { print $2 }' "$log")
    errors=$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$log")
    errors=${errors:-0}
    [[ -n $requests && $requests -gt 0 ]] || {
        cat "$log" >&2
        die "wrk reported no requests against $server (in $log)"
    }
    load1=$(cut -d' ' -f1 /proc/loadavg)
    cpu=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" -v n="$requests" 'BEGIN { printf "%.1f", t * 1e6 / hz / n }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
        "$auth" "$conns" "$round" "$server" "$rps" "$requests" "$cpu" "$p50" "$p99" "$errors" "$load1" >>"$RUNS"
    printf 'bench-emulator:   auth %-3s c=%-3s round %s  %-8s %10s req/s  %7s us/req CPU  p99 %-8s socket errors %s\n' \
        "$auth" "$conns" "$round" "$server" "$rps" "$cpu" "$p99" "$errors" >&2
}

warm_up() { # URL [wrk header args...]
    local url=$1
    shift
    ((WARMUP > 0)) || return 0
    wrk -t1 -c16 -d"${WARMUP}s" "$@" "$url" >/dev/null 2>&1 || true
}

# measure AUTH [wrk header args...]: the interleaved runs against the running emulator and nginx
measure() {
    local auth=$1 conns round
    shift
    warm_up "$EMULATOR_URL$PAGE" "$@"
    warm_up "$NGINX_URL$PAGE" "$@"
    for conns in "${CONNS[@]}"; do
        for ((round = 1; round <= ROUNDS; round++)); do
            if ((round % 2)); then
                run_wrk "$auth" "$conns" "$round" emulator "$EMULATOR_PID" "$EMULATOR_URL$PAGE" "$@"
                run_wrk "$auth" "$conns" "$round" nginx "$NGINX_PID" "$NGINX_URL$PAGE" "$@"
            else
                run_wrk "$auth" "$conns" "$round" nginx "$NGINX_PID" "$NGINX_URL$PAGE" "$@"
                run_wrk "$auth" "$conns" "$round" emulator "$EMULATOR_PID" "$EMULATOR_URL$PAGE" "$@"
            fi
        done
    done
}

# --- the run -------------------------------------------------------------------------
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED_AT=$(date -u '+%Y-%m-%d %H:%M:%S UTC')

start_emulator emulator-no-auth --no-auth
curl -fsS -D "$TMP/page.headers" -o "$TMP/page.json" "$EMULATOR_URL$PAGE" ||
    die "GET $PAGE from the emulator failed"
CONTENT_RANGE=$(awk 'tolower($1) == "content-range:" { sub(/^[^:]*:[ \t]*/, ""); sub(/\r$/, ""); print }' "$TMP/page.headers")
[[ -n $CONTENT_RANGE ]] || die "the emulator's answer to $PAGE has no Content-Range header"
PAGE_BYTES=$(wc -c <"$TMP/page.json")
echo "bench-emulator: page $PAGE: $PAGE_BYTES bytes, Content-Range: $CONTENT_RANGE" >&2

start_nginx
# Byte-identical bodies, and the same Content-Range, before measuring anything.
curl -fsS -D "$TMP/nginx.headers" -o "$TMP/nginx-page.json" "$NGINX_URL$PAGE"
cmp -s "$TMP/page.json" "$TMP/nginx-page.json" || die "nginx's body differs from the emulator's"
grep -qiF "content-range: $CONTENT_RANGE" "$TMP/nginx.headers" || die "nginx sends no matching Content-Range"
# The query string does not change what nginx serves.
curl -fsS -o "$TMP/nginx-other.json" "$NGINX_URL$PAGE_PATH?offset=100&limit=5"
cmp -s "$TMP/page.json" "$TMP/nginx-other.json" || die "nginx's body depends on the query string"
echo "bench-emulator: nginx serves the same $PAGE_BYTES bytes" >&2

echo "bench-emulator: auth off: ${#CONNS[@]} connection counts x $ROUNDS rounds x 2 servers x ${DURATION}s" >&2
measure off
stop_pid "$EMULATOR_PID"

start_emulator emulator-auth
AUTH_HEADER=(-H "X-Auth-Token: $TOKEN")
# Auth is really on: no token is refused, the token gets the same bytes.
code=$(curl -sS -o /dev/null -w '%{http_code}' "$EMULATOR_URL$PAGE")
[[ $code == 401 || $code == 403 ]] || die "with auth on, a request without a token got $code, not 401/403"
curl -fsS "${AUTH_HEADER[@]}" -o "$TMP/page-auth.json" "$EMULATOR_URL$PAGE" ||
    die "with auth on, a request with X-Auth-Token: $TOKEN failed"
cmp -s "$TMP/page.json" "$TMP/page-auth.json" || die "with auth on, the emulator's body differs"

echo "bench-emulator: auth on: ${#CONNS[@]} connection counts x $ROUNDS rounds x 2 servers x ${DURATION}s" >&2
measure on "${AUTH_HEADER[@]}"
stop_pid "$EMULATOR_PID"
stop_pid "$NGINX_PID"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# --- the report ------------------------------------------------------------------
median() { # numbers on stdin -> their median
    sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) print "nan"
        else if (NR % 2) print v[(NR + 1) / 2]
        else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

column_of() { # AUTH CONNS SERVER FIELD -> that field of the matching runs, one a line
    awk -F'\t' -v a="$1" -v c="$2" -v s="$3" -v f="$4" \
        'NR > 1 && $1 == a && $2 == c && $4 == s { print $f }' "$RUNS"
}

round_ratios() { # AUTH CONNS -> "min-max" of the per-round emulator/nginx ratios
    awk -F'\t' -v a="$1" -v c="$2" '
        NR > 1 && $1 == a && $2 == c { rps[$3, $4] = $5; rounds[$3] = 1 }
        END {
            lo = ""; hi = ""
            for (r in rounds) {
                x = rps[r, "emulator"] / rps[r, "nginx"]
                if (lo == "" || x < lo) lo = x
                if (hi == "" || x > hi) hi = x
            }
            printf "%.2f-%.2f", lo, hi
        }' "$RUNS"
}

CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- crates 2>/dev/null || COMMIT="$COMMIT (crates/ modified)"
NGINX_VERSION=$(nginx -v 2>&1 | sed 's/^nginx version: //')
WRK_VERSION=$({ wrk -v 2>&1 || true; } | awk 'NR == 1 { print $1, $2 }') # wrk -v exits 1

ROWS=()
for auth in off on; do
    for conns in "${CONNS[@]}"; do
        e_rps=$(column_of "$auth" "$conns" emulator 5 | median)
        n_rps=$(column_of "$auth" "$conns" nginx 5 | median)
        e_cpu=$(column_of "$auth" "$conns" emulator 7 | median)
        n_cpu=$(column_of "$auth" "$conns" nginx 7 | median)
        ratio=$(awk -v e="$e_rps" -v n="$n_rps" 'BEGIN { printf "%.2f", e / n }')
        ROWS+=("$(printf '%s\t%s\t%.0f\t%.0f\t%s\t%s\t%.1f\t%.1f' "$auth" "$conns" \
            "$e_rps" "$n_rps" "$ratio" "$(round_ratios "$auth" "$conns")" "$e_cpu" "$n_cpu")")
    done
done
ERRORS=$(awk -F'\t' 'NR > 1 { n += $10 } END { print n + 0 }' "$RUNS")

RESULTS=$OUT_DIR/results.md
{
    echo "## Emulator throughput against nginx"
    echo
    echo "Taken $STARTED_AT with:"
    echo
    echo '```'
    echo "$COMMAND"
    echo '```'
    echo
    echo "- machine: \`nproc\` $(nproc), $CPU_MODEL; load average (1, 5, 15 min) $LOAD_BEFORE before, $LOAD_AFTER after"
    echo "- emulator: commit $COMMIT, release build (sha256 $EMULATOR_SHA...), dataset \`generate ${GENERATE_ARGS[*]}\`, logging $LOGGING"
    echo "- nginx: $NGINX_VERSION, one process (\`master_process off\`, \`worker_processes 1\`), \`sendfile on\`, \`access_log off\`"
    echo "- page: \`GET $PAGE\`, $PAGE_BYTES bytes (Content-Range: $CONTENT_RANGE), the same bytes from both"
    echo "- load: $WRK_VERSION, \`wrk -t$THREADS -cN -d${DURATION}s --latency\` (threads capped at N), $ROUNDS rounds per row, emulator and nginx alternating which goes first"
    echo "- auth on: emulator started without \`--no-auth\`, wrk sends \`X-Auth-Token: $TOKEN\` (to nginx too)"
    echo "- req/s: median over the rounds; ratio: of the medians, with the range of the per-round ratios; CPU: utime+stime of the server process over each run (\`/proc/PID/stat\`), per request wrk counted, median over the rounds"
    echo "- socket errors reported by wrk, all runs: $ERRORS"
    echo
    echo "| auth | connections | emulator req/s | nginx req/s | emulator/nginx | per round | emulator CPU µs/req | nginx CPU µs/req |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for row in "${ROWS[@]}"; do
        IFS=$'\t' read -r a c er nr ra rr ec nc <<<"$row"
        echo "| $a | $c | $er | $nr | $ra | $rr | $ec | $nc |"
    done
    echo
    echo "<details><summary>every run</summary>"
    echo
    echo "| auth | connections | round | server | req/s | requests | CPU µs/req | p50 | p99 | socket errors | load1 after |"
    echo "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"
    awk -F'\t' 'NR > 1 { printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 }' "$RUNS"
    echo
    echo "</details>"
} >"$RESULTS"

echo
echo "Emulator throughput against nginx, $STARTED_AT"
echo "command:  $COMMAND"
echo "machine:  nproc $(nproc), $CPU_MODEL"
echo "load avg: $LOAD_BEFORE before, $LOAD_AFTER after"
echo "page:     GET $PAGE, $PAGE_BYTES bytes; emulator $COMMIT (binary sha256 $EMULATOR_SHA...), logging $LOGGING; $NGINX_VERSION; $WRK_VERSION -t$THREADS -d${DURATION}s x $ROUNDS rounds"
echo
printf '%-5s %6s %12s %12s %9s %11s %14s %14s\n' auth conns 'emu req/s' 'nginx req/s' 'emu/nginx' 'per round' 'emu CPU us/rq' 'nginx us/rq'
for row in "${ROWS[@]}"; do
    IFS=$'\t' read -r a c er nr ra rr ec nc <<<"$row"
    printf '%-5s %6s %12s %12s %9s %11s %14s %14s\n' "$a" "$c" "$er" "$nr" "$ra" "$rr" "$ec" "$nc"
done
echo
echo "socket errors reported by wrk, all runs: $ERRORS"
echo "Markdown: $RESULTS (every run: $RUNS, wrk outputs: $OUT_DIR/wrk-*.txt)"
