"""Great Expectations on a landed Flux Vision delivery's normalised rows."""

from t82_pipeline.defs.fluxvision.parsing import FAMILIES
from t82_pipeline.lib.quality import ValidationSummary, query_frame, validate_frame


def validate_parsed(parquet: str) -> ValidationSummary:
    import great_expectations.expectations as gxe

    # A figure outside the two months its file name announces means a mislabelled file.
    frame = query_frame(f"""
        select family, zone_label, provenance, category, volume, day,
               day between make_date(period_year, 2 * bimestre - 1, 1)
                       and make_date(period_year, 2 * bimestre - 1, 1) + interval 2 month - interval 1 day as in_period
        from read_parquet('{parquet}')""")
    return validate_frame(
        frame,
        "fluxvision_delivery",
        [
            gxe.ExpectColumnValuesToBeInSet(column="family", value_set=sorted(FAMILIES)),
            gxe.ExpectColumnValuesToNotBeNull(column="day"),
            gxe.ExpectColumnValuesToNotBeNull(column="zone_label"),
            gxe.ExpectColumnValuesToNotBeNull(column="provenance"),
            gxe.ExpectColumnValuesToNotBeNull(column="category"),
            gxe.ExpectColumnValuesToBeBetween(column="volume", min_value=0),
            gxe.ExpectColumnValuesToBeInSet(column="in_period", value_set=[True]),
        ],
    )
