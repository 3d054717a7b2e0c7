#!/usr/bin/env python3
"""Every route of openapi.json against the release build (what `make serve` runs): anonymous,
contributor, importer and admin callers, each method the document lists, with an empty JSON
body where there is one. No answer may be a 5xx and the server must still be alive at the end.
Then a partner's archive goes through POST /api/v1/imports, and its job and the job list are
read back.

Why: the tests run the debug build. A release build miscompiled the caller of GET
/api/v1/imports (a garbage account read, then a segmentation fault) while every debug test
passed; a crash in release takes the whole server down for every teacher.

usage: .ci/release_smoke.py RELEASE_BINARY
"""
import io, json, os, re, secrets, signal, socket, subprocess, sys, tempfile, time, urllib.error, urllib.request, zipfile

binary = os.path.abspath(sys.argv[1])
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.chdir(root)
work = tempfile.mkdtemp(prefix="relais-smoke-")
db = os.path.join(work, "relais.sqlite")
failures = []

def add_user(email, role, *extra):
    password = "smoke-" + secrets.token_urlsafe(12)
    subprocess.run([binary, "user", "add", "--email", email, "--name", email.split("@")[0], "--role", role,
                    "--db", db, *extra], input=password + "\n", capture_output=True, text=True, check=True)
    return email, password

users = {
    "admin": add_user("admin@smoke.example.be", "admin"),
    "importer": add_user("import@smoke.example.be", "importer", "--source", "partenaire"),
    "contributor": add_user("prof@smoke.example.be", "contributor"),
}

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
base = f"http://127.0.0.1:{port}"
log = open(os.path.join(work, "serve.log"), "w")
server = subprocess.Popen([binary, "serve", "--host", "127.0.0.1", "--port", str(port), "--db", db, "--rate-limit", "0", "--writes-per-second", "1000"],
                          stdout=log, stderr=subprocess.STDOUT)

def call(method, path, token=None, body=None, content_type="application/json"):
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", content_type)
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()

def fail(message):
    failures.append(message)
    print("ÉCHEC  " + message)

try:
    deadline = time.time() + 300
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit("le serveur s'est arrêté avant d'être prêt")
        try:
            if call("GET", "/readyz")[0] == 200:
                break
        except OSError:
            pass
        time.sleep(0.5)
    else:
        raise SystemExit("/readyz n'a pas répondu 200 en 300 s")

    tokens = {None: None}
    for role, (email, password) in users.items():
        status, body = call("POST", "/api/v1/auth/login", body={"email": email, "password": password})
        if status != 200:
            raise SystemExit(f"connexion {role} : {status} {body[:200]!r}")
        tokens[role] = json.loads(body)["token"]

    status, body = call("GET", "/api/v1/search?q=lecture&size=1")
    resource = json.loads(body)["hits"][0]["id"]
    values = {"id": resource, "name": "niveaux"}

    with open("Sources/RelaisAPI/openapi.json") as f:
        paths = json.load(f)["paths"]
    # Last: they end a session or an account.
    closing = {("POST", "/api/v1/auth/logout"), ("DELETE", "/api/v1/me")}
    calls = 0
    for path, operations in paths.items():
        for method in ("get", "post", "put", "patch", "delete"):
            if method not in operations or (method.upper(), path) in closing:
                continue
            concrete = re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "1"), path)
            for role in tokens:
                body = None if method in ("get", "delete") else {}
                try:
                    status, answer = call(method.upper(), concrete, tokens[role], body)
                except OSError as error:
                    fail(f"{method.upper()} {concrete} ({role or 'anonyme'}) : {error}")
                    continue
                calls += 1
                if status >= 500:
                    fail(f"{method.upper()} {concrete} ({role or 'anonyme'}) : {status} {answer[:200]!r}")
    print(f"OK     {calls} appels sur {len(paths)} chemins, aucune réponse 5xx" if not failures else
          f"{calls} appels, {len(failures)} en échec")

    # A partner's archive, its job, the job list.
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        for n in range(3):
            z.writestr(f"lot/fiche-{n}.xml", f"""<lom xmlns="http://ltsc.ieee.org/xsd/LOM"><general>
<identifier><catalog>partenaire</catalog><entry>smoke-{n}</entry></identifier>
<title><string language="fr">Fiche d'essai {n} : les volcans</string></title>
<description><string language="fr">Une fiche d'essai sur les volcans pour la cinquième primaire.</string></description>
</general></lom>""")
    status, body = call("POST", "/api/v1/imports", tokens["importer"], archive.getvalue(), "application/zip")
    if status != 202:
        fail(f"POST /api/v1/imports : {status} {body[:300]!r}")
    else:
        job = json.loads(body)["id"]
        for _ in range(120):
            status, body = call("GET", f"/api/v1/imports/{job}", tokens["importer"])
            if status != 200 or json.loads(body).get("state") in ("succeeded", "failed"):
                break
            time.sleep(0.5)
        state = json.loads(body).get("state") if status == 200 else None
        if status != 200 or state != "succeeded":
            fail(f"GET /api/v1/imports/{job} : {status} {body[:300]!r}")
        for role in ("importer", "admin"):
            status, body = call("GET", "/api/v1/imports", tokens[role])
            if status != 200 or json.loads(body)["total"] < 1:
                fail(f"GET /api/v1/imports ({role}) : {status} {body[:200]!r}")
        if not failures:
            print(f"OK     archive importée (job {job}, état {state}), liste des imports lue")

    for method, path in sorted(closing):
        status, answer = call(method, path, tokens["contributor"])
        if status >= 500:
            fail(f"{method} {path} : {status} {answer[:200]!r}")
    if server.poll() is not None:
        fail(f"le serveur s'est arrêté (code {server.returncode})")
finally:
    alive = server.poll() is None
    if alive:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    log.close()
    if failures or not alive:
        with open(os.path.join(work, "serve.log")) as f:
            tail = f.read()[-4000:]
        print("--- fin du journal du serveur ---\n" + tail)

if failures:
    sys.exit(1)
print("OK     le serveur de la version optimisée a tout servi sans tomber")
