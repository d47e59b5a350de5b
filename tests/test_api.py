"""The notebook API (mgkg.api) and the embedded store's on-disk cache (mgkg.query.store)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

import mgkg.api as kg
from mgkg.errors import UserError
from mgkg.query import store as store_module
from mgkg.query.store import READY, open_store, release_key
from query_support import RELEASE_TTL, ROOT


@pytest.fixture(scope="module")
def graph(tmp_path_factory) -> kg.KnowledgeGraph:
    return kg.KnowledgeGraph.load(cache_dir=tmp_path_factory.mktemp("api-cache"))


# ---------------------------------------------------------------------------
# mgkg.api
# ---------------------------------------------------------------------------


def test_run_a_catalog_query_by_name_with_keyword_parameters(graph):
    answer = graph.run("conditions-linked-to-receptor", receptor="NMDA receptor")
    assert answer.variables[:3] == ["receptor", "condition", "route"]
    anxiety = [r for r in answer.rows if r["condition"] == "https://w3id.org/mgkg/id/anxiety"]
    assert (
        anxiety and anxiety[0]["conditionClaim"] == "https://w3id.org/mgkg/id/excessive-firing-linked-anxiety"
    )
    assert len(answer) == len(answer.rows) and bool(answer)


def test_rows_hold_python_values(graph):
    rows = graph.run("reference-values").rows
    men = next(r for r in rows if r["value"].endswith("rda-magnesium-men-31-plus"))
    assert (
        men["amount"] == 420.0
        and men["unit"] == "mg/d"
        and isinstance(men["ageMin"], int)
        and men["type"] == "RDA"
    )
    assert men["ageMax"] is None  # open-ended band: unbound
    forms = graph.run("forms-by-absorption").column("form")
    assert forms[-1] == "https://w3id.org/mgkg/id/magnesium-oxide"


def test_ask_and_construct_answers(graph):
    assert graph.run("is-edge-asserted").boolean is True
    assert not graph.run(
        "is-edge-asserted",
        subject="kg:hardy-nutritionals",
        predicate="mgkg:manufactures",
        object="kg:nutratek",
    )
    described = graph.run("describe-entity", entity="kg:gaba")
    rdf = described.graph()
    assert len(rdf) == len(described.triples) > 0
    assert "@prefix" in described.serialize("ttl")


def test_sparql_text_with_parameters_and_limit(graph):
    answer = graph.sparql(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?label WHERE { ?entity rdfs:label ?label }",
        entity="kg:nmda-receptor",
    )
    assert answer.rows == [{"label": "NMDA receptor"}]
    limited = graph.run("publications", limit=2)
    assert len(limited.rows) == 2


def test_serialize_in_standard_formats(graph):
    answer = graph.run("disclaimers")
    assert answer.serialize("csv").splitlines()[0] == "source,disclaimer,label,text"
    assert '"boolean":true' in graph.run("is-edge-asserted").serialize("json")
    assert str(answer).splitlines()[0].split() == ["source", "disclaimer", "label", "text"]


def test_catalog_listing_and_description(graph):
    names = [q.name for q in graph.queries()]
    assert "paths-to-condition" in names and len(names) >= 15
    assert {q.name for q in graph.queries("safety")} >= {"safety-and-contraindications"}
    text = graph.describe("paths-to-condition")
    assert "start (iri, default 'kg:magnesium')" in text


def test_mistakes_raise_user_error(graph):
    with pytest.raises(UserError, match="did you mean 'paths-to-condition'"):
        graph.run("paths-to-conditon")
    with pytest.raises(UserError, match="unknown parameter 'reseptor'"):
        graph.run("conditions-linked-to-receptor", reseptor="kg:nmda-receptor")
    with pytest.raises(UserError, match="syntax error"):
        graph.sparql("SELECT WHERE")


def test_dataframe(graph):
    pandas = pytest.importorskip("pandas")
    frame = graph.run("reference-values").df()
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame.columns) == graph.run("reference-values").variables
    assert 420.0 in set(frame["amount"])


def test_dataframe_without_pandas_says_what_to_install(graph, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(UserError, match="pip install pandas"):
        graph.run("disclaimers").df()


def test_module_level_run_uses_the_default_graph(monkeypatch, tmp_path):
    monkeypatch.setenv("MGKG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(kg, "_default", None)
    assert kg.run("is-edge-asserted").boolean is True
    assert kg._default is not None
    assert "disclaimers" in [q.name for q in kg.queries()]


# ---------------------------------------------------------------------------
# mgkg.query.store: the on-disk cache
# ---------------------------------------------------------------------------


def _entries(cache: Path) -> list[Path]:
    return sorted(p for p in cache.iterdir() if p.is_dir())


def test_store_is_cached_by_release_hash_and_reused(tmp_path):
    cache = tmp_path / "cache"
    store = open_store(RELEASE_TTL, cache_dir=cache)
    (entry,) = _entries(cache)
    assert entry.name == release_key(RELEASE_TTL.read_bytes()) and (entry / READY).is_file()
    marker = (entry / READY).stat().st_mtime_ns
    again = open_store(RELEASE_TTL, cache_dir=cache)
    assert _entries(cache) == [entry] and (entry / READY).stat().st_mtime_ns == marker  # not rebuilt
    assert len(store) == len(again) > 0


def test_changed_release_gets_a_new_store(tmp_path):
    cache = tmp_path / "cache"
    release = tmp_path / "mgkg.ttl"
    shutil.copyfile(RELEASE_TTL, release)
    before = len(open_store(release, cache_dir=cache))
    with release.open("a", encoding="utf-8") as handle:
        handle.write('\n<urn:test:s> <urn:test:p> "added" .\n')
    after = open_store(release, cache_dir=cache)
    assert len(after) == before + 1
    assert len(_entries(cache)) == 2
    assert not [p for p in cache.iterdir() if p.name.startswith(".build-")]  # built atomically, no leftovers


def test_concurrent_builds_keep_one_complete_store(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    data = RELEASE_TTL.read_bytes()
    key = release_key(data)
    store_module._build(cache, key, RELEASE_TTL, data)
    store_module._build(cache, key, RELEASE_TTL, data)  # a second process that lost the race
    assert [p.name for p in cache.iterdir()] == [key]
    assert len(open_store(RELEASE_TTL, cache_dir=cache)) > 0


def test_old_entries_are_pruned(tmp_path):
    cache = tmp_path / "cache"
    release = tmp_path / "mgkg.ttl"
    for i in range(store_module.KEEP + 2):
        release.write_text(f'<urn:test:s> <urn:test:p> "{i}" .\n', encoding="utf-8")
        open_store(release, cache_dir=cache)
    assert len(_entries(cache)) == store_module.KEEP


def test_unwritable_cache_falls_back_to_memory(tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("x", encoding="utf-8")
    store = open_store(RELEASE_TTL, cache_dir=blocked / "cache")
    assert len(store) > 0


def test_default_cache_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("MGKG_CACHE_DIR", str(tmp_path / "env-cache"))
    open_store(RELEASE_TTL)
    assert _entries(tmp_path / "env-cache")
    monkeypatch.delenv("MGKG_CACHE_DIR")
    assert store_module.cache_dirs(ROOT)[0] == ROOT / ".cache" / "store"


def test_missing_release_is_a_clean_error(tmp_path):
    with pytest.raises(UserError, match="run `mgkg build` first") as error:
        open_store(tmp_path / "none.ttl", cache_dir=tmp_path)
    assert error.value.exit_code == 1


def test_store_opens_read_only(tmp_path):
    store = open_store(RELEASE_TTL, cache_dir=tmp_path / "cache")
    with pytest.raises((OSError, RuntimeError)):
        store.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
