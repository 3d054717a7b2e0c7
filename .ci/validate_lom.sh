#!/usr/bin/env bash
# Exports every corpus resource as LOM and as oai_dc and validates the files:
#   LOM    against the IEEE LOM XSD (strict vocabularies) in ../shared/samples/Prvat33-WL-lom-xsd;
#   oai_dc against an oai_dc XSD when ../shared/samples has one, else for well-formedness.
# Builds nothing: give the relais binary as $1 (default .build/debug/relais).
# Exit status: non-zero when any file is invalid (or an import or export fails).
set -euo pipefail
cd "$(dirname "$0")/.."

relais=${1:-.build/debug/relais}
samples=../shared/samples
lom_xsd=$samples/Prvat33-WL-lom-xsd/lom.xsd

if [ ! -x "$relais" ]; then
  echo "validate_lom: binaire introuvable : $relais (compilez d'abord : swift build --product relais)" >&2
  exit 2
fi
if ! command -v xmllint >/dev/null; then
  echo "validate_lom: xmllint introuvable (apt-get install libxml2-utils)" >&2
  exit 2
fi
if [ ! -d "$samples" ] || [ ! -f "$lom_xsd" ]; then
  echo "validate_lom: $lom_xsd absent : validation ignorée"
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$relais" import Corpus/consortiums Corpus/sonuma Corpus/amenagements --db "$tmp/x.sqlite" >"$tmp/import.log" 2>&1 || {
  cat "$tmp/import.log" >&2
  echo "validate_lom: l'import du corpus a échoué" >&2
  exit 1
}
"$relais" export --db "$tmp/x.sqlite" --format lom --out "$tmp/lom" >/dev/null
"$relais" export --db "$tmp/x.sqlite" --format oai_dc --out "$tmp/oai_dc" >/dev/null

# xmllint validates one file at a time here so that each failure is counted and named.
validate() { # folder, label, xmllint options...
  local folder=$1 label=$2
  shift 2
  local total=0 valid=0 file
  for file in "$folder"/*.xml; do
    [ -e "$file" ] || continue
    total=$((total + 1))
    if xmllint --noout --nonet "$@" "$file" 2>"$tmp/err"; then
      valid=$((valid + 1))
    else
      echo "INVALIDE ($label) : $(basename "$file")" >&2
      head -n 5 "$tmp/err" >&2
    fi
  done
  echo "$label : $valid valides / $total"
  if [ "$total" -eq 0 ]; then
    echo "validate_lom: aucun fichier $label exporté" >&2
    return 1
  fi
  [ "$valid" -eq "$total" ]
}

status=0
validate "$tmp/lom" "LOM (XSD $lom_xsd)" --schema "$lom_xsd" || status=1

# An oai_dc XSD among the samples, if there is one (INVENTORY.tsv lists none today).
dc_xsd=$(find "$samples" -iname '*oai_dc*.xsd' 2>/dev/null | head -n 1 || true)
if [ -n "$dc_xsd" ]; then
  validate "$tmp/oai_dc" "oai_dc (XSD $dc_xsd)" --schema "$dc_xsd" || status=1
else
  validate "$tmp/oai_dc" "oai_dc (bien formé, pas de XSD oai_dc dans $samples)" || status=1
fi
exit $status
