#!/usr/bin/env bash
# The API fuzzed from its own OpenAPI document by schemathesis, against a running server with an
# administrator's token: no answer may be a 5xx, and every answer must have a status, a content
# type and a body that the document declares for that operation. (Schemathesis's other checks,
# "a schema-valid request must be accepted", also flag refusals the document cannot express,
# such as duree_min above duree_max: they are not run here.)
#
#   .ci/api_fuzz.sh PATH/TO/relais [MAX_EXAMPLES=25]
set -euo pipefail
relais=$(realpath "${1:?usage: .ci/api_fuzz.sh PATH/TO/relais [MAX_EXAMPLES]}")
examples=${2:-25}
cd "$(dirname "$0")/.."
if ! command -v schemathesis >/dev/null; then
    python3 -m pip install --quiet schemathesis || python3 -m pip install --quiet --break-system-packages schemathesis
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/relais-fuzz.XXXXXX")
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

echo "fuzz-$RANDOM-$RANDOM-mot-de-passe" | "$relais" user add --email admin@fuzz.example.be --name Fuzz --role admin \
    --cost 4 --db "$work/relais.sqlite" >/dev/null
token=$("$relais" token issue --email admin@fuzz.example.be --db "$work/relais.sqlite" 2>/dev/null)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$relais" serve --port "$port" --db "$work/relais.sqlite" --rate-limit 0 --writes-per-second 10000 \
    --log-level warning > "$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
    kill -0 "$server" 2>/dev/null || { echo "le serveur s'est arrêté :"; tail -20 "$work/serve.log"; exit 1; }
    sleep 0.5
done

# Logout would revoke the token and DELETE /api/v1/me erase the account: left out.
status=0
cd "$work" # schemathesis keeps a .schemathesis/ folder where it runs
schemathesis run "http://127.0.0.1:$port/openapi.json" --url "http://127.0.0.1:$port" \
    -H "Authorization: Bearer $token" --workers 1 --max-examples "$examples" --seed 20261130 \
    --phases examples,coverage,fuzzing --exclude-method DELETE --exclude-path /api/v1/auth/logout \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    > "$work/fuzz.log" 2>&1 || status=$?
sed -n '/SUMMARY/,$p' "$work/fuzz.log"
if [ $status -ne 0 ]; then
    sed -n '/FAILURES/,/SUMMARY/p' "$work/fuzz.log" | head -150
fi
kill -0 "$server" 2>/dev/null || { echo "le serveur est tombé pendant le fuzzing :"; tail -40 "$work/serve.log"; exit 1; }
exit $status
