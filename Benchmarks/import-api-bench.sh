#!/usr/bin/env bash
# Issue 6 benchmark: an archive of N generated LOM records (default 100k) posted to
# POST /api/v1/imports on a release server, with concurrent searches running all along
# (records/s of the job, p50/p99 of the searches during the import, peak RSS of the server);
# then a full OAI-PMH harvest of the repository by `relais harvest` into an empty database
# (records/s).
#
#   Benchmarks/import-api-bench.sh [RECORDS=100000] [SEARCH_CLIENTS=4]
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-100000}
clients=${2:-4}
out=Benchmarks/out
label=$((records / 1000))k
work="$out/import-api-$label"
rm -rf "$work" && mkdir -p "$work"

swift build -c release --product relais >/dev/null
swift build -c release --product relais-bench >/dev/null
bin=$(swift build -c release --show-bin-path)

"$bin/relais-bench" generate --records "$records" --per-file 1000 --out "$work/lom" >/dev/null
python3 - "$work/lom" "$work/archive.zip" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
    for name in sorted(os.listdir(sys.argv[1])):
        z.write(os.path.join(sys.argv[1], name), f"export/{name}")
PY
db="$work/relais.sqlite"
echo "mot-de-passe-banc" | "$bin/relais" user add --email banc@partenaire.example.be --name Banc --role importer \
    --source consortiums --cost 4 --db "$db" >/dev/null
token=$("$bin/relais" token issue --email banc@partenaire.example.be --db "$db" 2>/dev/null)

"$bin/relais" serve --db "$db" --port 0 --rate-limit 0 --cache-mb 0 --writes-per-second 1000 > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT

python3 - "$work" "$token" "$server" "$clients" "$records" "$bin/relais" <<'PY'
import json, os, re, statistics, subprocess, sys, threading, time, urllib.parse, urllib.request
work, token, pid, clients, records, relais = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
deadline = time.time() + 300
port = None
while time.time() < deadline and port is None:
    found = re.findall(r"127\.0\.0\.1:(\d+)/", open(f"{work}/server.log").read())
    port = int(found[-1]) if found else None
    time.sleep(0.1)
base = f"http://127.0.0.1:{port}"
while True:
    try:
        if urllib.request.urlopen(base + "/readyz", timeout=2).status == 200: break
    except Exception: time.sleep(0.2)

def peak_rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"): return int(line.split()[1]) // 1024

queries = ["fractions", "lecture cinquième", "volcans", "géométrie primaire", "histoire de belgique", "dyslexie",
           "évaluation", "climat", "l'école d'autrefois", "mathématiques", "poésie", "électricité", "cartes", "sciences"]
latencies, stop = [], threading.Event()
def searcher(offset):
    i = offset
    while not stop.is_set():
        q = urllib.parse.urlencode({"q": queries[i % len(queries)], "size": 20})
        started = time.perf_counter()
        try:
            urllib.request.urlopen(f"{base}/api/v1/search?{q}", timeout=30).read()
            latencies.append((time.perf_counter() - started) * 1000)
        except Exception as error:
            print("recherche en échec :", error)
            # A dead server ends the run (these threads once searched on for 20 minutes).
            try: os.kill(pid, 0)
            except OSError: stop.set()
        i += 1
threads = [threading.Thread(target=searcher, args=(n,), daemon=True) for n in range(clients)]
for t in threads: t.start()

body = open(f"{work}/archive.zip", "rb").read()
request = urllib.request.Request(base + "/api/v1/imports", data=body, method="POST",
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/zip"})
posted = time.time()
job = json.loads(urllib.request.urlopen(request, timeout=600).read())
upload = time.time() - posted
# Polled through the list (no report in it), so that the peak RSS of the import itself is
# known before the report is asked for.
while True:
    jobs = json.loads(urllib.request.urlopen(urllib.request.Request(f"{base}/api/v1/imports",
                      headers={"Authorization": f"Bearer {token}"})).read())["items"]
    if next(j for j in jobs if j["id"] == job["id"])["state"] in ("succeeded", "failed"): break
    time.sleep(0.5)
elapsed = time.time() - posted
rss_import = peak_rss()
job = json.loads(urllib.request.urlopen(urllib.request.Request(f"{base}/api/v1/imports/{job['id']}",
                 headers={"Authorization": f"Bearer {token}"})).read())
stop.set()
for t in threads: t.join()
totals = job["report"]["totals"]
lat = sorted(latencies)
def pct(p): return lat[min(len(lat) - 1, int(p / 100 * len(lat)))]
print(f"| archive | {records:,} notices, {len(body) / 1e6:.1f} Mo zip |")
print(f"| import (état) | {job['state']}, {totals['created']:,} créées, {totals['rejected']} refusées |")
print(f"| envoi du corps | {upload:.1f} s |")
print(f"| import complet (envoi → fini) | {elapsed:.1f} s, {totals['created'] / elapsed:,.0f} notices/s |")
if lat:
    print(f"| recherches pendant l'import ({clients} clients, sans cache) | {len(lat):,} ; p50 {pct(50):.1f} ms, p99 {pct(99):.1f} ms, max {lat[-1]:.0f} ms |")
print(f"| RSS maximale du serveur | {rss_import} Mo pendant l'import ; {peak_rss()} Mo après la lecture du rapport complet ({len(json.dumps(job['report'])) / 1e6:.1f} Mo de JSON) |")

harvest_db = f"{work}/moisson.sqlite"
started = time.time()
result = subprocess.run([relais, "harvest", f"{base}/oai", "--prefix", "lom", "--source", "moisson", "--db", harvest_db],
                        capture_output=True, text=True)
took = time.time() - started
import sqlite3
harvested = sqlite3.connect(harvest_db).execute("SELECT count(*) FROM resources WHERE status = 'published'").fetchone()[0] \
    if os.path.exists(harvest_db) else 0
if result.returncode != 0: print(result.stdout[-2000:], result.stderr[-2000:])
print(f"| moisson OAI-PMH complète (lom, relais harvest) | {harvested} notices en {took:.1f} s, {harvested / took:,.0f} notices/s |")
PY
