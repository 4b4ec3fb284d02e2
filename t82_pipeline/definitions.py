"""Assembles t82's Definitions from the domain folders under defs/.

Groups are domains (sit, fairguest, fluxvision, nurtik, opendata, serving, reference); keys are
[layer, name] with the layer one of landing, staging, intermediate, marts, reference, publish,
reports, serving. Glossary: see GLOSSARY below (also in README)."""

from __future__ import annotations

import dagster as dg

# Modules, not their `defs`: Dagster's loader allows one Definitions object at module scope.
from t82_pipeline.defs import nightly
from t82_pipeline.defs.dbt import definitions as dbt
from t82_pipeline.defs.fairguest import definitions as fairguest
from t82_pipeline.defs.fluxvision import definitions as fluxvision
from t82_pipeline.defs.nurtik import definitions as nurtik
from t82_pipeline.defs.opendata import definitions as opendata
from t82_pipeline.defs.ops import definitions as ops
from t82_pipeline.defs.serving import definitions as serving
from t82_pipeline.defs.sit import definitions as sit
from t82_pipeline.lib.resources import build_resources
from t82_pipeline.lib.settings import Settings, get_settings

GLOSSARY = {
    "SIT": "système d'information touristique: the offers database (Apidae, formerly Constellation XML exports)",
    "GRC": "gestion de la relation client: the CRM (Nurtik), contacts and newsletters",
    "OT": "office de tourisme: one of the ten intercommunal tourist offices, keyed by ot_code",
    "EPCI": "établissement public de coopération intercommunale: the intercommunality an OT serves (SIREN)",
    "FVT": "Flux Vision Tourisme: Orange's visitor statistics from the mobile network",
}

DOMAINS = (sit, dbt, fairguest, fluxvision, nurtik, opendata, serving, ops, nightly)


def build_definitions(settings: Settings) -> dg.Definitions:
    """The whole graph, its resources built from ``settings`` (the tests build it on theirs)."""
    return dg.Definitions.merge(
        *(domain.definitions(settings) for domain in DOMAINS),
        dg.Definitions(
            # Each domain's definitions bring its own resources; these are the shared ones.
            resources=build_resources(settings),
            # Every job runs in one process: their steps queue one at a time in the warehouse pool anyway,
            # and under the daemon each step's own process re-imported the code location (15–35 s each).
            executor=dg.in_process_executor,
            metadata={"glossary": dg.MetadataValue.json(GLOSSARY)},
        ),
    )


defs = build_definitions(get_settings())
