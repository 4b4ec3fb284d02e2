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
    "http://schema.org/", "http://xmlns.com/foaf/0.1/", "http://purl.org/dc/elements/1.1/",
    "http://purl.org/dc/terms/", "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.ebu.ch/metadata/ontologies/ebucore/ebucore#",
    "http://purl.org/ontology/olo/core#", "https://www.datatourisme.gouv.fr/resource/core#",
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
        str(s) for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
        for s in g.subjects(RDF.type, kind)
    }
    parents: dict[str, tuple[str, ...]] = {}
    for cls in classes:
        parents[cls] = tuple(str(o) for o in g.objects(rdflib.URIRef(cls), RDFS.subClassOf) if isinstance(o, rdflib.URIRef))
    return Ontology(frozenset(classes), frozenset(properties), parents)


@cache
def flux_context() -> dict:
    return json.loads((REFERENCE / "context.jsonld").read_text(encoding="utf-8"))


def to_graph(record: dict) -> rdflib.Graph:
    """Parses one flux object (which carries no inline @context) with the flux context."""
    document = {"@context": flux_context(), **record}
    return rdflib.Graph().parse(data=json.dumps(document), format="json-ld")
