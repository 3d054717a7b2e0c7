"""Harvests the whole repository with a real OAI-PMH client (Sickle, from PyPI), in every
metadata format and every set, and checks the counts against the repository's own.

    python3 .ci/oai_harvest.py http://127.0.0.1:PORT
"""
import json
import sys
import urllib.request

from sickle import Sickle
from sickle.oaiexceptions import NoRecordsMatch

base = sys.argv[1].rstrip("/")
expected = json.load(urllib.request.urlopen(base + "/readyz"))["resources"]
client = Sickle(base + "/oai", max_retries=3)
failures = []

name = client.Identify().repositoryName
formats = [f.metadataPrefix for f in client.ListMetadataFormats()]
sets = [s.setSpec for s in client.ListSets()]
print(f"Identify : {name} ; formats : {formats} ; {len(sets)} ensembles")
if sorted(formats) != ["lom", "oai_dc"]:
    failures.append(f"formats {formats}")

for prefix in formats:
    identifiers = [r.header.identifier for r in client.ListRecords(metadataPrefix=prefix, ignore_deleted=False)]
    ok = len(identifiers) == expected and len(set(identifiers)) == expected
    print(f"{'OK' if ok else 'ÉCHEC'} ListRecords {prefix} : {len(identifiers)} notices ({len(set(identifiers))} distinctes), attendu {expected}")
    if not ok:
        failures.append(f"ListRecords {prefix}")

by_source = 0
for spec in sets:
    for prefix in formats:
        try:
            count = sum(1 for _ in client.ListIdentifiers(metadataPrefix=prefix, set=spec, ignore_deleted=False))
        except NoRecordsMatch:
            count = 0
        if count == 0:
            failures.append(f"ensemble vide {spec} ({prefix})")
        if spec.startswith("source:") and prefix == "lom":
            by_source += count
print(f"{'OK' if by_source == expected else 'ÉCHEC'} ensembles par source : {by_source} notices au total, attendu {expected}")
if by_source != expected:
    failures.append("somme des ensembles source:")
print(f"{len(sets) * len(formats)} moissons d'ensembles, {len(failures)} échec(s)")
for failure in failures:
    print("ÉCHEC", failure)
sys.exit(1 if failures else 0)
