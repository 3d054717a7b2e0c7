#!/usr/bin/env bash
# HTTP benchmark of `relais serve` (issue 4): wrk on loopback against a release build holding
# N synthetic records, with the query mix of `relais-bench search`, at 16 and 64 connections;
# then the same queries in process, so that the HTTP overhead shows as a ratio.
#
#   Benchmarks/http-bench.sh [RECORDS=100000] [DURATION=30s]
#
# The database is Benchmarks/out/search-<N>.sqlite, built by relais-bench when missing (about
# a minute per 100k records). Prints a Markdown table; raw wrk output goes to Benchmarks/out/.
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-100000}
duration=${2:-30s}
out=Benchmarks/out
mkdir -p "$out"
label=$((records / 1000))k
db="$out/search-$label.sqlite"
command -v wrk >/dev/null || { echo "wrk manque : apt-get install -y wrk" >&2; exit 2; }

swift build -c release --product relais >/dev/null
swift build -c release --product relais-bench >/dev/null
bin=$(swift build -c release --show-bin-path)

# In process: the same engine, one query at a time, and the query list for wrk.
"$bin/relais-bench" search --records "$records" --db "$db" --queries 2000 --no-plain \
    --out "$out/http-queries-$label.tsv" > "$out/http-inprocess-$label.log"
grep -E '^\| *[0-9,]+ \|' "$out/http-inprocess-$label.log" | tail -1 > "$out/http-inprocess-$label.row"

python3 - "$out/http-queries-$label.tsv" "$out/http-urls-$label.txt" <<'PY'
import sys, csv, urllib.parse
parameter = {"niveaux": "niveau", "domaines": "domaine", "types": "type", "roles": "role", "besoins": "besoin",
             "licences": "licence", "sources": "source", "langues": "langue"}
with open(sys.argv[1], newline="") as f, open(sys.argv[2], "w") as urls:
    for row in csv.DictReader(f, delimiter="\t"):
        pairs = [("q", row["query"])] if row["query"] else []
        for item in row["filters"].split():
            dimension, term = item.split("=", 1)
            pairs.append((parameter[dimension], term))
        pairs.append(("size", "20"))
        urls.write("/api/v1/search?" + urllib.parse.urlencode(pairs) + "\n")
PY

cat > "$out/http-urls.lua" <<LUA
local urls = {}
for line in io.lines("$out/http-urls-$label.txt") do urls[#urls + 1] = line end
local counter = 0
init = function(args) counter = math.random(#urls) end
request = function()
  counter = counter + 1
  return wrk.format("GET", urls[(counter % #urls) + 1])
end
LUA

measure() { # $1: cache MB (0: no cache)
    local cache=$1 port=$((20000 + RANDOM % 20000))
    "$bin/relais" serve --port "$port" --db "$db" --rate-limit 0 --readers "${READERS:-4}" --cache-mb "$cache" --mmap-mb "${MMAP_MB:-0}" \
        --log-level warning > "$out/http-server-$label-cache$cache.log" 2>&1 &
    server=$!
    for _ in $(seq 1 1200); do
        curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
        sleep 0.5
    done
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { echo "serveur jamais prêt" >&2; exit 1; }
    # Warm-up: every URL of the mix once (with the cache on, the run then measures hits).
    xargs -P 8 -I{} curl -s -o /dev/null "http://127.0.0.1:$port{}" < "$out/http-urls-$label.txt"
    for connections in 16 64; do
        wrk -t2 -c"$connections" -d"$duration" --latency -s "$out/http-urls.lua" "http://127.0.0.1:$port" \
            > "$out/http-wrk-$label-cache$cache-c$connections.txt"
        python3 - "$out/http-wrk-$label-cache$cache-c$connections.txt" "$connections" "$cache" <<'PY'
import sys, re
text = open(sys.argv[1]).read()
def ms(value):
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1)); p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
socket = re.search(r"Socket errors: (.*)", text)
cache = "off" if sys.argv[3] == "0" else sys.argv[3] + " MB"
print(f"| {cache} | {sys.argv[2]} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {non2xx.group(1) if non2xx else 0}; {socket.group(1) if socket else 'none'} |")
PY
    done
    local hwm anon file
    hwm=$(awk '/VmHWM/ {print $2}' /proc/$server/status)
    anon=$(awk '/RssAnon/ {print $2}' /proc/$server/status)
    file=$(awk '/RssFile/ {print $2}' /proc/$server/status)
    rss_lines+=("cache $cache MB: peak RSS $((hwm / 1024)) MB; at the end RssAnon $((anon / 1024)) MB, RssFile (mapped database pages) $((file / 1024)) MB")
    kill "$server"; wait "$server" 2>/dev/null || true
}

rss_lines=()
echo "| cache | connections | requests/s | p50 ms | p99 ms | errors (non-2xx; socket) |"
echo "|---|---:|---:|---:|---:|---|"
measure 0
measure "${CACHE_MB:-256}"
echo
printf '%s\n' "${rss_lines[@]}"
echo "readers: ${READERS:-4}, mmap per reader: ${MMAP_MB:-0} MB; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "in process (relais-bench search, the same 2,000 queries, one at a time):"
echo "| records | build s | db MB | FTS5 MB | p50 ms | p95 ms | p99 ms | qps |"
cat "$out/http-inprocess-$label.row"
