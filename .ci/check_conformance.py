"""Checks the dry-run report of the shared samples: every well-formed record parsed, the
deliberately broken pyoai file rejected (and nothing else), XSDs and non-record files skipped."""
import json
import sys

report = json.load(open(sys.argv[1]))
status = int(sys.argv[2])
problems = []

file_rejections = [r for r in report["rejections"] if r.get("record") is None]
record_rejections = [r for r in report["rejections"] if r.get("record") is not None]
if record_rejections:
    problems.append(f"{len(record_rejections)} well-formed records rejected: "
                    + "; ".join(f"{r['file']} #{r['record']}: {r['reason']}" for r in record_rejections[:5]))
broken = [r for r in file_rejections if "infrae_fake3_00001.xml" in r["file"]]
if not broken:
    problems.append("the broken pyoai file infrae_fake3_00001.xml was not rejected")
others = [r for r in file_rejections if "infrae_fake3_00001.xml" not in r["file"]]
if others:
    problems.append("unexpected file rejections: " + "; ".join(f"{r['file']}: {r['reason']}" for r in others))
if status != 1:
    problems.append(f"exit status {status}, expected 1 (one file rejected)")
totals = report["totals"]
parsed = totals["created"] + totals["updated"] + totals["unchanged"]
if parsed == 0:
    problems.append("no record parsed")

print(f"conformance: {report['filesRead']} files read, {report['filesSkipped']} skipped, "
      f"{report['filesRejected']} rejected; {parsed} records parsed, {len(record_rejections)} records rejected; "
      f"by format: " + ", ".join(f"{k}={v['created'] + v['updated'] + v['unchanged']}" for k, v in sorted(report['byFormat'].items())))
if broken:
    print(f"conformance: broken file rejected with: {broken[0]['reason']}")
if problems:
    for problem in problems:
        print("FAIL:", problem)
    print("0 passed, 1 failed")
    sys.exit(1)
print("conformance: OK")
