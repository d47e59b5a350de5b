"""What a query names that the graph does not have: warnings a researcher can act on.

Why: SPARQL answers a typo with silence. ``?s mgkg:studyDesgin ?d`` is a valid query that
matches nothing, so a misspelt predicate, class or namespace returns zero rows and no
word. These checks read the query's IRIs (absolute, and prefixed names through the
query's own PREFIX lines), keep those in the project's namespaces, and ask the graph
whether each occurs anywhere in it; every one that does not gets a warning with the
closest term the graph has. An IRI whose namespace is a near miss of a project
namespace (``.../ontolgy#``) is named too. And a prefix used without a PREFIX line,
which the engine reports as a list of character classes, is named in one sentence.

The checks take the graph as two functions (does this IRI occur; which IRIs of a
namespace occur), so the command line, the notebook API and the endpoint's workers use
them with their own store.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from mgkg.build.catalog import scan


@dataclass(frozen=True)
class NamedTerm:
    """An IRI as the query wrote it (``shown``) and in full (``iri``)."""

    shown: str
    iri: str


def declared_prefixes(text: str) -> dict[str, str]:
    """The PREFIX declarations of a query: prefix (without the colon) -> namespace IRI."""
    return _declared(list(scan(text)))


def _declared(tokens: list) -> dict[str, str]:
    declared: dict[str, str] = {}
    for i, token in enumerate(tokens[:-2]):
        if token.kind == "word" and token.text.upper() == "PREFIX":
            name, iri = tokens[i + 1], tokens[i + 2]
            if name.kind == "word" and name.text.endswith(":") and iri.kind == "iri":
                declared[name.text[:-1]] = iri.text[1:-1]
    return declared


def _prefixed(token_text: str) -> tuple[str, str] | None:
    """(prefix, local part) of a prefixed name; None for blank nodes and keywords."""
    if ":" not in token_text or token_text.startswith("_:"):
        return None
    prefix, _, local = token_text.partition(":")
    return prefix, local


def undeclared_prefixes(text: str) -> list[str]:
    """Prefixes the query uses in a prefixed name without declaring them, in order of use."""
    tokens = list(scan(text))
    declared = _declared(tokens)
    missing: list[str] = []
    for i, token in enumerate(tokens):
        if token.kind != "word" or (i and tokens[i - 1].text.upper() == "PREFIX"):
            continue
        parts = _prefixed(token.text)
        if parts and parts[0] not in declared and parts[0] not in missing:
            missing.append(parts[0])
    return missing


def named_terms(text: str) -> list[NamedTerm]:
    """Every absolute IRI the query names, prefixed names expanded (declarations excluded)."""
    tokens = list(scan(text))
    declared = _declared(tokens)
    found: list[NamedTerm] = []
    for i, token in enumerate(tokens):
        previous = tokens[i - 1].text.upper() if i else ""
        if previous in ("PREFIX", "BASE") or (i > 1 and tokens[i - 2].text.upper() == "PREFIX"):
            continue
        if token.kind == "iri":
            iri = token.text[1:-1]
            if ":" in iri:  # absolute; relative IRIs depend on BASE and are left alone
                found.append(NamedTerm(token.text, iri))
        elif token.kind == "word":
            parts = _prefixed(token.text)
            if parts and parts[0] in declared:
                found.append(NamedTerm(token.text, declared[parts[0]] + parts[1]))
    return found


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1] if cut >= 0 else iri


def unknown_term_warnings(
    text: str,
    namespaces: Mapping[str, str],
    occurs: Callable[[str], bool],
    vocabulary: Callable[[str], Iterable[str]],
) -> list[str]:
    """One sentence per IRI in ``namespaces`` (prefix -> IRI) that the graph does not have.

    ``occurs(iri)`` says whether an IRI appears anywhere in the graph; ``vocabulary(ns)``
    lists the IRIs of a namespace that do (asked only when a warning needs a suggestion).
    """
    warnings: list[str] = []
    seen: set[str] = set()
    known: dict[str, list[str]] = {}

    def closest(namespace: str, local: str) -> str | None:
        if namespace not in known:
            known[namespace] = sorted({iri[len(namespace) :] for iri in vocabulary(namespace)})
        match = difflib.get_close_matches(local, known[namespace], n=1, cutoff=0.6)
        if not match:
            lowered = {name.lower(): name for name in known[namespace]}
            match = [lowered[local.lower()]] if local.lower() in lowered else []
        return match[0] if match else None

    for term in named_terms(text):
        if term.iri in seen:
            continue
        seen.add(term.iri)
        home = next(
            ((p, ns) for p, ns in namespaces.items() if term.iri.startswith(ns) and term.iri != ns), None
        )
        if home is not None:
            prefix, namespace = home
            if occurs(term.iri):
                continue
            local = term.iri[len(namespace) :]
            guess = closest(namespace, local)
            hint = f"; did you mean {prefix}:{guess}?" if guess else ""
            warnings.append(f"{term.shown} is not a term of this graph (no triple uses it){hint}")
            continue
        namespace = _namespace(term.iri)
        near = difflib.get_close_matches(namespace, list(namespaces.values()), n=1, cutoff=0.9)
        if near:
            prefix = next(p for p, ns in namespaces.items() if ns == near[0])
            local = term.iri[len(namespace) :]
            guess = closest(near[0], local) if local else None
            hint = f" (did you mean {prefix}:{guess}?)" if guess else ""
            warnings.append(
                f"{term.shown} is in the namespace <{namespace}>, not the graph's <{near[0]}>{hint}"
            )
    return warnings


def undeclared_prefix_message(text: str, known: Mapping[str, str]) -> str | None:
    """One sentence for a query that uses prefixes it does not declare (None if it does not)."""
    missing = undeclared_prefixes(text)
    if not missing:
        return None
    lines = [
        f"PREFIX {p}: <{known[p]}>" if p in known else f"PREFIX {p}: <...namespace IRI...>" for p in missing
    ]
    names = ", ".join(f"{p}:" for p in missing)
    plural = "es are" if len(missing) > 1 else " is"
    return f"the prefix{plural} not declared: {names}; add " + " and ".join(f"`{line}`" for line in lines)


__all__ = [
    "NamedTerm",
    "declared_prefixes",
    "named_terms",
    "undeclared_prefix_message",
    "undeclared_prefixes",
    "unknown_term_warnings",
]
