#!/usr/bin/env python3
"""Import jobs survive SIGKILL: a partner's archive is posted, the server is killed with
SIGKILL at random moments (20 rounds by default), restarted each time; after every kill the
database must pass SQLite's and FTS5's integrity checks and every file of the archive must be
all-or-nothing (all its records stored, or none, and marked done exactly when stored). At the
end the job finishes with every record stored once.

usage: .ci/import_kill_test.py BINARY [ROUNDS] [FILES] [RECORDS_PER_FILE]
"""
import io, json, os, random, re, signal, sqlite3, subprocess, sys, tempfile, time, urllib.request, zipfile

binary = os.path.abspath(sys.argv[1])
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 20
files = int(sys.argv[3]) if len(sys.argv) > 3 else 60
per_file = int(sys.argv[4]) if len(sys.argv) > 4 else 40
random.seed(int(os.environ.get("SEED", "20261130")))
work = tempfile.mkdtemp(prefix="relais-kill-")
db = os.path.join(work, "relais.sqlite")
SOURCE = "partenaire"

def run(*args, stdin=None):
    return subprocess.run([binary, *args], input=stdin, capture_output=True, text=True, check=True).stdout

def record(f, r):
    words = ["fractions", "volcans", "lecture", "géométrie", "climat", "poésie", "électricité", "cartes"]
    return f"""<lom xmlns="http://ltsc.ieee.org/xsd/LOM"><general>
<identifier><catalog>{SOURCE}</catalog><entry>f{f:05d}-r{r:03d}</entry></identifier>
<title><string language="fr">Fiche {f}.{r} : {words[(f + r) % len(words)]} en classe</string></title>
<description><string language="fr">Activité {f}.{r} sur {words[r % len(words)]} pour la cinquième primaire, avec une trace écrite.</string></description>
<keyword><string language="fr">{words[f % len(words)]}</string></keyword></general>
<educational><context><source>LOMv1.0</source><value>school</value></context></educational></lom>"""

def archive_for(round_number):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as z:
        for f in range(files):
            z.writestr(f"lot-{round_number:02d}/fichier-{f:03d}.xml",
                       "<collection>" + "".join(record(round_number * 1000 + f, r) for r in range(per_file)) + "</collection>")
    return data.getvalue()

run("user", "add", "--email", "import@partenaire.example.be", "--name", "Import partenaire", "--role", "importer",
    "--source", SOURCE, "--cost", "4", "--db", db, stdin="mot-de-passe-import\n")
token = run("token", "issue", "--email", "import@partenaire.example.be", "--db", db).strip()

def start():
    log = open(os.path.join(work, "server.log"), "a")
    process = subprocess.Popen([binary, "serve", "--db", db, "--port", "0", "--rate-limit", "0", "--log-level", "info"],
                               stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 120
    port = None
    while time.time() < deadline:
        text = open(os.path.join(work, "server.log")).read()
        found = re.findall(r"à l'écoute sur http://127\.0\.0\.1:(\d+)/", text)
        if found and process.poll() is None:
            port = int(found[-1])
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
                    if response.status == 200:
                        return process, port
            except Exception:
                pass
        if process.poll() is not None:
            sys.exit(f"le serveur s'est arrêté (code {process.returncode}) ; journal : {work}/server.log")
        time.sleep(0.05)
    sys.exit("le serveur n'est pas prêt après 120 s")

def request(port, method, path, body=None, content_type=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method,
                                 headers={"Authorization": f"Bearer {token}", **({"Content-Type": content_type} if content_type else {})})
    with urllib.request.urlopen(req, timeout=60) as response:
        return response.status, json.loads(response.read() or b"null")

posted = []  # round numbers whose archive was accepted

def check(label):
    result = subprocess.run([binary, "check", "--db", db], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{label} : intégrité en défaut : {result.stderr.strip()}")
    connection = sqlite3.connect(db)
    stored = dict(connection.execute(
        "SELECT file, count(*) FROM resources WHERE source = ? AND status = 'published' GROUP BY file", (SOURCE,)).fetchall())
    done = {name for (name,) in connection.execute("SELECT name FROM import_job_files WHERE state = 'imported'")}
    connection.close()
    complete = 0
    for number in posted:
        for f in range(files):
            name = f"lot-{number:02d}/fichier-{f:03d}.xml"
            count = stored.get(name, 0)
            if count not in (0, per_file):
                sys.exit(f"{label} : {name} à moitié importé ({count} notices sur {per_file})")
            if (count == per_file) != (name in done):
                sys.exit(f"{label} : {name} : {count} notices mais {'marqué' if name in done else 'non marqué'} comme fait")
            complete += count == per_file
    return complete

print(f"{rounds} tours ; chaque tour envoie une archive de {files} fichiers × {per_file} notices puis tue le serveur (SIGKILL)")
server, port = start()
jobs = []
interrupted = 0
for number in range(1, rounds + 1):
    status, job = request(port, "POST", "/api/v1/imports", archive_for(number), "application/zip")
    assert status == 202, status
    jobs.append(job["id"])
    posted.append(number)
    # Within the import's first second: an archive of 2,400 records takes 1-2 s in a debug build.
    time.sleep(random.uniform(0.05, 1.0))
    before = time.time()
    server.send_signal(signal.SIGKILL)
    server.wait()
    complete = check(f"tour {number}")
    expected = len(posted) * files
    interrupted += complete < expected
    print(f"tour {number:2d} : SIGKILL, {complete}/{expected} fichiers entièrement importés, aucun à moitié, intégrité SQLite et FTS5 OK")
    server, port = start()

deadline = time.time() + 900
states = {}
while time.time() < deadline:
    states = {job_id: request(port, "GET", f"/api/v1/imports/{job_id}")[1] for job_id in jobs}
    if all(state["state"] in ("succeeded", "failed") for state in states.values()):
        break
    time.sleep(0.5)
server.send_signal(signal.SIGTERM)
server.wait(timeout=60)
complete = check("fin")
created = sum(((state.get("report") or {}).get("totals") or {}).get("created", 0) for state in states.values())
attempts = sum(state["attempts"] for state in states.values())
failed = [job_id for job_id, state in states.items() if state["state"] != "succeeded"]
print(f"fin : {len(jobs) - len(failed)}/{len(jobs)} imports réussis, {attempts} démarrages en tout ; "
      f"{complete}/{len(posted) * files} fichiers ; {created} notices créées (attendu {rounds * files * per_file}) ; "
      f"{interrupted}/{rounds} SIGKILL tombés pendant un import")
if failed or complete != len(posted) * files or created != rounds * files * per_file:
    sys.exit("ÉCHEC : les imports n'ont pas fini avec toutes les notices, une seule fois chacune")
if interrupted < rounds // 2:
    sys.exit("ÉCHEC : trop peu de SIGKILL sont tombés pendant un import pour que le test dise quelque chose")
print("OK")
