#!/usr/bin/env bash
# OAI-PMH provider checked by a real harvester: starts the built relais binary ($1) on a free
# port with a temporary database (the corpus is imported at start-up) and small pages, so that
# every list goes through resumption tokens, then runs .ci/oai_harvest.py.
set -euo pipefail
relais=${1:?"usage : $0 CHEMIN/VERS/relais"}
cd "$(dirname "$0")/.."
python3 -c 'import sickle' 2>/dev/null || python3 -m pip install --quiet sickle
work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$relais" serve --port "$port" --db "$work/relais.sqlite" --rate-limit 0 --oai-page-size 7 --log-level warning > "$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 360); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
    sleep 0.5
done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { echo "serveur jamais prêt" >&2; cat "$work/serve.log" >&2; exit 1; }
python3 .ci/oai_harvest.py "http://127.0.0.1:$port"
