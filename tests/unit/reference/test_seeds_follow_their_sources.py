"""The seeds built from libraries and shapes (t82_pipeline/reference/seeds.py) stay what their
builder makes: a pycountry upgrade or a new shape file shows up here, not as a silent drift."""

from t82_pipeline.reference.seeds import SEEDS, SEEDS_DIR, country_rows, to_csv


def test_each_seed_is_what_its_builder_writes():
    for name, build in SEEDS.items():
        assert (SEEDS_DIR / f"{name}.csv").read_text(encoding="utf-8") == to_csv(build()), (
            f"dbt_project/seeds/{name}.csv is stale: run python -m t82_pipeline.reference.seeds"
        )


def test_flux_vision_country_labels_map_to_iso_codes():
    by_key = {r["label_key"]: r for r in country_rows()}
    assert by_key["royaume uni"]["iso_alpha2"] == "GB" and by_key["royaume uni"]["iso_numeric"] == "826"
    assert by_key["etats unis"]["iso_alpha2"] == "US"
    assert by_key["pays bas"]["iso_alpha2"] == "NL"
    assert by_key["coree du sud"]["iso_alpha2"] == "KR"  # the common name, beside "Corée, République de"
    grouped = by_key["autres pays"]
    assert grouped["is_group"] == "true" and grouped["iso_alpha2"] == ""
