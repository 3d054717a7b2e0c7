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
request = function()
  counter = counter + 1
  return wrk.format("GET", urls[(counter % #urls) + 1])
end
LUA

port=$((20000 + RANDOM % 20000))
"$bin/relais" serve --port "$port" --db "$db" --rate-limit 0 --readers "${READERS:-4}" --log-level warning \
    > "$out/http-server-$label.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 1200); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
    sleep 0.5
done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { echo "serveur jamais prêt" >&2; cat "$out/http-server-$label.log" >&2; exit 1; }
# Warm-up: one pass over the query list.
wrk -t2 -c16 -d10s -s "$out/http-urls.lua" "http://127.0.0.1:$port" > /dev/null

echo "| connections | requests/s | p50 ms | p99 ms | errors (non-2xx, socket) |"
echo "|---:|---:|---:|---:|---|"
for connections in 16 64; do
    wrk -t2 -c"$connections" -d"$duration" --latency -s "$out/http-urls.lua" "http://127.0.0.1:$port" \
        > "$out/http-wrk-$label-c$connections.txt"
    python3 - "$out/http-wrk-$label-c$connections.txt" "$connections" <<'PY'
import sys, re
text = open(sys.argv[1]).read()
def ms(value):
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
p50 = ms(re.search(r"50%\s+(\S+)", text).group(1)); p99 = ms(re.search(r"99%\s+(\S+)", text).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
socket = re.search(r"Socket errors: (.*)", text)
print(f"| {sys.argv[2]} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {non2xx.group(1) if non2xx else 0}; {socket.group(1) if socket else 'none'} |")
PY
done
rss=$(awk '/VmHWM/ {print $2}' /proc/$server/status)
echo
echo "server peak RSS: $((rss / 1024)) MB (VmHWM), readers: ${READERS:-4}"
echo "in process (relais-bench search, same 2,000 queries, one at a time):"
echo "| records | build s | db MB | FTS5 MB | p50 ms | p95 ms | p99 ms | qps |"
cat "$out/http-inprocess-$label.row"
