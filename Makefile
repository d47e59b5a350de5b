# mgkg: the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python

.PHONY: run build install test test-fast lint validate stats clean bench bench-endpoint bench-quick yasgui axe

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# Reinstall when the project metadata changes.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

## run: set up .venv, build the graph, then serve the endpoint and web app
run: install
	$(PY) build_graph.py
	@echo "release files: graph/mgkg.ttl graph/mgkg.nt graph/mgkg.jsonld graph/void.ttl graph/catalog.ttl graph/kgx/ graph/nanopub.trig graph/mappings.sssom.tsv"
	$(VENV)/bin/mgkg serve --host 127.0.0.1 --port 8000

build: install
	$(PY) build_graph.py

validate: install
	$(VENV)/bin/mgkg validate

stats: install
	$(VENV)/bin/mgkg stats

# Browser tests drive Debian's Chromium headless (no browser download at test time).
CHROMIUM ?= /usr/bin/chromium
$(CHROMIUM):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null

# The Virtuoso parity test starts Debian's Virtuoso 7.2 on a database of its own (tests/test_virtuoso.py).
VIRTUOSO ?= /usr/bin/virtuoso-t
$(VIRTUOSO):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource >/dev/null

# The OWL 2 DL profile check (tests/test_owl.py) runs Debian's OWL API with the JDK.
OWLAPI ?= /usr/share/java/owlapi-distribution.jar
$(OWLAPI):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jdk-headless libowlapi-java >/dev/null

## test: install test extras (Chromium for browser tests, Virtuoso for the parity test, the OWL API for
## the OWL check) and run the whole suite
test: install $(CHROMIUM) $(VIRTUOSO) $(OWLAPI)
	$(PY) -m pytest

## test-fast: the unit tier (no browser, server, benchmark or slow rebuild tests) on every core, under a minute
test-fast: install
	$(PY) -m pytest -n auto -m "not slow and not browser and not server and not bench"

## lint: ruff over code, tests, benchmarks and tools
lint: install
	$(VENV)/bin/ruff check src tests bench tools build_graph.py
	$(VENV)/bin/ruff format --check src tests bench tools build_graph.py

# The query page's YASGUI, vendored from the npm registry at this exact version.
YASGUI_VERSION ?= 4.6.2

## yasgui: refresh src/mgkg/web/static/yasgui/ from @zazuko/yasgui $(YASGUI_VERSION) (needs npm)
yasgui: install
	$(PY) tools/vendor_yasgui.py $(YASGUI_VERSION)

$(VENV)/.installed-bench: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[test,bench]'
	touch $@

## bench: every benchmark (about an hour on 2 cores) -> docs/benchmarks.md, docs/img/bench-*.png, bench/results/full.json
bench: install $(VENV)/.installed-bench $(CHROMIUM) $(VIRTUOSO)
	$(PY) -m bench

## bench-endpoint: only the endpoint part of `make bench` (mgkg serve against the Oxigraph server, cache off and
## on, the mixed load test; ~5 min) -> its section of docs/benchmarks.md and bench/results/full.json
bench-endpoint: install $(VENV)/.installed-bench
	$(PY) -m bench --only endpoint --graphs release

## bench-quick: CI mode (< 1 min) -> .cache/bench/quick/; fails on a ratio or correctness guard, never on a time
bench-quick: install $(VENV)/.installed-bench
	$(PY) -m bench --quick --check

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info src/*.egg-info

# axe-core for the accessibility browser tests (tests only, never served), at this exact version.
AXE_VERSION ?= 4.10.3

## axe: refresh tests/browser/vendor/axe.min.js from axe-core $(AXE_VERSION) on the npm registry (needs npm)
axe: install
	$(PY) tools/vendor_axe.py $(AXE_VERSION)
