#!/bin/sh
# Test de la page des enseignants dans Chromium sans écran.
# Usage : .ci/browser_test.sh CHEMIN/VERS/relais
# Démarre le binaire déjà compilé sur un port libre avec une base temporaire (le corpus y est
# importé au démarrage), attend /readyz (180 s au plus), lance .ci/browser_test.py (recherche,
# ressources) puis .ci/browser_contrib_test.py (compte, soumission, liste de vérification,
# modération, grille d'évaluation, synthèse), arrête le serveur et rend 1 si l'un des deux
# échoue. Avant de démarrer le serveur, un compte curateur est créé dans la base par
# `relais user add` (mot de passe sur l'entrée standard). RELAIS_BROWSER_CONTRIB=0 saute le
# parcours de contribution (et la création du curateur). Installe chromium, chromium-driver
# (apt-get) et selenium (pip) s'ils manquent.
set -u

RELAIS=${1:?"usage : $0 CHEMIN/VERS/relais"}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)

if [ ! -x "$RELAIS" ]; then
    echo "browser_test : binaire introuvable ou non exécutable : $RELAIS" >&2
    exit 2
fi
RELAIS=$(cd "$(dirname "$RELAIS")" && pwd)/$(basename "$RELAIS")

# --- dépendances, seulement si elles manquent
as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
        echo "browser_test : il faut être root pour lancer : $*" >&2; return 1; fi
}
missing=""
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing="$missing chromium"
command -v chromedriver >/dev/null 2>&1 || missing="$missing chromium-driver"
if [ -n "$missing" ]; then
    echo "browser_test : installation de$missing" >&2
    as_root apt-get update -qq >&2 && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2 || {
        echo "browser_test : impossible d'installer$missing" >&2; exit 2; }
fi
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import selenium' >/dev/null 2>&1; then
    echo "browser_test : installation de selenium (pip)" >&2
    "$PYTHON" -m pip install --quiet selenium >&2 || "$PYTHON" -m pip install --quiet --break-system-packages selenium >&2 || {
        echo "browser_test : impossible d'installer selenium" >&2; exit 2; }
fi

# --- un port libre et une base temporaire
PORT=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
WORK=$(mktemp -d "${TMPDIR:-/tmp}/relais-browser.XXXXXX")
LOG="$WORK/serve.log"
SERVER_PID=""

cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null
        i=0
        while kill -0 "$SERVER_PID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
        kill -9 "$SERVER_PID" 2>/dev/null
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cd "$ROOT" || exit 2

# --- le curateur du parcours de contribution, créé par la ligne de commande avant le serveur
CONTRIB=${RELAIS_BROWSER_CONTRIB:-1}
if [ "$CONTRIB" != 0 ]; then
    RELAIS_CURATOR_EMAIL="curateur.ci@example.be"
    RELAIS_CURATOR_PASSWORD=$("$PYTHON" -c 'import secrets; print("ci-" + secrets.token_urlsafe(18))')
    export RELAIS_CURATOR_EMAIL RELAIS_CURATOR_PASSWORD
    if ! printf '%s\n' "$RELAIS_CURATOR_PASSWORD" | "$RELAIS" user add --email "$RELAIS_CURATOR_EMAIL" --name "Claire Curatrice" \
            --role curator --db "$WORK/relais.sqlite" >"$WORK/user.log" 2>&1; then
        echo "browser_test : « relais user add » a échoué :" >&2; cat "$WORK/user.log" >&2; exit 1
    fi
fi

"$RELAIS" serve --host 127.0.0.1 --port "$PORT" --db "$WORK/relais.sqlite" --rate-limit 0 >"$LOG" 2>&1 &
SERVER_PID=$!
BASE="http://127.0.0.1:$PORT"

echo "browser_test : serveur $BASE (pid $SERVER_PID), attente de /readyz…" >&2
deadline=$(( $(date +%s) + 180 ))
ready=""
while [ "$(date +%s)" -lt "$deadline" ]; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "browser_test : le serveur s'est arrêté :" >&2; tail -n 30 "$LOG" >&2; exit 1
    fi
    if "$PYTHON" -c "import sys, urllib.request
try:
    sys.exit(0 if urllib.request.urlopen('$BASE/readyz', timeout=2).status == 200 else 1)
except Exception:
    sys.exit(1)" 2>/dev/null; then ready=1; break; fi
    sleep 1
done
if [ -z "$ready" ]; then
    echo "browser_test : /readyz n'a pas répondu 200 en 180 s :" >&2; tail -n 30 "$LOG" >&2; exit 1
fi

"$PYTHON" "$HERE/browser_test.py" "$BASE"
status=$?
if [ "$CONTRIB" != 0 ]; then
    echo "browser_test : parcours de contribution" >&2
    "$PYTHON" "$HERE/browser_contrib_test.py" "$BASE" || status=1
else
    echo "browser_test : parcours de contribution sauté (RELAIS_BROWSER_CONTRIB=0)" >&2
fi
if [ $status -ne 0 ]; then
    echo "browser_test : journal du serveur (fin) :" >&2; tail -n 20 "$LOG" >&2
fi
exit $status
