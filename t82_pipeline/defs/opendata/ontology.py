"""The DATAtourisme ontology (v2.4.3) and a checker of JSON-LD records against it.

The same checker reads the real DATAtourisme objects (tests) and the records we publish.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF, RDFS

REFERENCE = Path(__file__).parent / "reference"
CORE = "https://www.datatourisme.gouv.fr/ontology/core#"
# Vocabularies real DATAtourisme objects use next to the core ontology.
EXTERNAL_NAMESPACES = (
    "http://schema.org/",
    "http://xmlns.com/foaf/0.1/",
    "http://purl.org/dc/elements/1.1/",
    "http://purl.org/dc/terms/",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://www.ebu.ch/metadata/ontologies/ebucore/ebucore#",
    "http://purl.org/ontology/olo/core#",
    "https://www.datatourisme.gouv.fr/resource/core#",
)


@dataclass(frozen=True)
class Ontology:
    classes: frozenset[str]
    properties: frozenset[str]
    parents: dict[str, tuple[str, ...]]

    def ancestors(self, name: str) -> list[str]:
        """The class and all its named ancestors, most specific first (core names unprefixed)."""
        seen: list[str] = []
        todo = [CORE + name]
        while todo:
            current = todo.pop(0)
            if current not in seen:
                seen.append(current)
                todo.extend(self.parents.get(current, ()))
        return [c.removeprefix(CORE).replace("http://schema.org/", "schema:") for c in seen]

    def problems(self, graph: rdflib.Graph) -> list[str]:
        """Classes and properties that the ontology (or the allowed vocabularies) do not define."""
        found = []
        for _, p, o in graph:
            if p == RDF.type and isinstance(o, rdflib.URIRef):
                term, kind = str(o), "class"
                known = term in self.classes
            else:
                term, kind = str(p), "property"
                known = term in self.properties
            if term.startswith(CORE) and not known:
                found.append(f"unknown {kind} {term.removeprefix(CORE)}")
            elif not term.startswith(CORE) and not term.startswith(EXTERNAL_NAMESPACES):
                found.append(f"{kind} from an unexpected vocabulary: {term}")
        return sorted(set(found))


@cache
def load_ontology() -> Ontology:
    g = rdflib.Graph().parse(REFERENCE / "datatourisme-core-2.4.3.jsonld", format="json-ld")
    classes = {str(s) for s in g.subjects(RDF.type, OWL.Class) if isinstance(s, rdflib.URIRef)}
    properties = {
        str(s)
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
        for s in g.subjects(RDF.type, kind)
    }
    parents: dict[str, tuple[str, ...]] = {}
    for cls in classes:
        parents[cls] = tuple(
            str(o) for o in g.objects(rdflib.URIRef(cls), RDFS.subClassOf) if isinstance(o, rdflib.URIRef)
        )
    return Ontology(frozenset(classes), frozenset(properties), parents)


@cache
def flux_context() -> dict:
    return json.loads((REFERENCE / "context.jsonld").read_text(encoding="utf-8"))


def to_graph(*records: dict) -> rdflib.Graph:
    """Parses flux objects (which carry no inline @context) with the flux context, in one go."""
    document = {"@context": flux_context(), "@graph": list(records)}
    return rdflib.Graph().parse(data=json.dumps(document), format="json-ld")


@cache
def _context_terms() -> tuple[dict[str, str], str, frozenset[str]]:
    context = flux_context()
    prefixes = {k: v for k, v in context.items() if isinstance(v, str) and not k.startswith("@")}
    language_maps = frozenset(
        k for k, v in context.items() if isinstance(v, dict) and v.get("@container") == "@language"
    )
    return prefixes, context["@vocab"], language_maps


def expand(term: str) -> str:
    """A compact term of the flux (``schema:geo``, ``isLocatedAt``) → its IRI, as the context says."""
    prefixes, vocab, _ = _context_terms()
    prefix, sep, local = term.partition(":")
    if sep and prefix in prefixes:
        return prefixes[prefix] + local
    return term if term.startswith("http") else vocab + term


def term_problems(record: dict, ontology: Ontology) -> list[str]:
    """The terms a record uses, resolved through the flux context and checked against the
    ontology, without an RDF parse (fast: one pass over the record)."""
    _, _, language_maps = _context_terms()
    found: set[str] = set()

    def visit(node: object) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
            return
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            if key == "@type":
                for cls in value if isinstance(value, list) else [value]:
                    iri = expand(cls)
                    if iri.startswith(CORE) and iri not in ontology.classes:
                        found.add(f"unknown class {iri.removeprefix(CORE)}")
                continue
            if key.startswith("@"):
                continue
            iri = expand(key)
            if iri.startswith(CORE) and iri not in ontology.properties:
                found.add(f"unknown property {iri.removeprefix(CORE)}")
            elif not iri.startswith(CORE) and not iri.startswith(EXTERNAL_NAMESPACES):
                found.add(f"property from an unexpected vocabulary: {iri}")
            if key not in language_maps:
                visit(value)

    visit(record)
    return sorted(found)
