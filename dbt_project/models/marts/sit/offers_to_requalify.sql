-- Records of the territory to requalify with their owner: score under the campaign threshold,
-- or a wrong/missing geolocation, or not updated for a year.
select
    ot_code,
    offer_key,
    source,
    source_id,
    name,
    offer_type,
    insee_code,
    owner_name,
    quality_score,
    missing_items,
    is_outside_declared_commune,
    last_modified_at
from {{ ref('offer_quality_scores') }}
where ot_code is not null
    and (quality_score < 70 or not has_valid_geolocation or not is_fresh)
