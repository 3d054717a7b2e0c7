# Relais: the two commands of the README are `make serve` and `make test`.
SWIFT ?= swift
DEBIAN_PACKAGES := pkg-config libsqlite3-dev libxml2-dev libcmark-dev libarchive-dev

.PHONY: setup serve import test build bench clean

# Installs the C libraries Relais builds against (SQLite with FTS5, libxml2, libcmark) when
# pkg-config cannot find them: with apt-get as root, otherwise it says what to run.
setup:
	@command -v $(SWIFT) >/dev/null || { echo "Swift 6.1 ou plus récent est requis : https://www.swift.org/install/linux/"; exit 1; }
	@if ! command -v pkg-config >/dev/null || ! pkg-config --exists sqlite3 libxml-2.0 libcmark libarchive; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installation de : $(DEBIAN_PACKAGES)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_PACKAGES); \
	  else \
	    echo "Bibliothèques manquantes. Installez-les avec :"; \
	    echo "  sudo apt-get install -y $(DEBIAN_PACKAGES)"; exit 1; \
	  fi; \
	fi

build: setup
	$(SWIFT) build -c release --product relais

# The main job: serve the API and the teachers' page on http://127.0.0.1:8080/ (on an empty
# database the server imports Corpus/ first). HOST and PORT can be overridden.
HOST ?= 127.0.0.1
PORT ?= 8080
serve: build
	.build/release/relais serve --host $(HOST) --port $(PORT)

# Import the shipped corpus into Indexes/relais.sqlite without serving
# (the vocabularies folder is data for the importer, not records).
import: build
	.build/release/relais import Corpus/consortiums Corpus/sonuma Corpus/amenagements --report Indexes/import-report.json

test: setup
	$(SWIFT) test

bench: setup
	$(SWIFT) build -c release --product relais --product relais-bench
	.build/release/relais-bench import --records 10000
