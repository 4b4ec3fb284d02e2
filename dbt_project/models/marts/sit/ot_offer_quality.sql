-- Quality of the offer per tourist office (OT): one row per OT, all ten always present.
with scores as (
    select * from {{ ref('offer_quality_scores') }}
    where ot_code is not null
),

requalify as (
    select
        ot_code,
        count(*) as offers_to_requalify
    from {{ ref('offers_to_requalify') }}
    group by 1
)

select
    offices.ot_code,
    offices.ot_name,
    count(scores.offer_key) as offer_count,
    round(avg(scores.quality_score), 1) as avg_quality_score,
    round(avg(scores.has_description::int) * 100, 1) as pct_with_description,
    round(avg(scores.has_photo::int) * 100, 1) as pct_with_photo,
    round(avg(scores.has_contact::int) * 100, 1) as pct_with_contact,
    round(avg(scores.has_opening_periods::int) * 100, 1) as pct_with_opening_periods,
    round(avg(scores.has_prices::int) * 100, 1) as pct_with_prices,
    round(avg(scores.has_valid_geolocation::int) * 100, 1) as pct_with_valid_geolocation,
    round(avg(scores.is_fresh::int) * 100, 1) as pct_fresh,
    coalesce(any_value(requalify.offers_to_requalify), 0) as offers_to_requalify
from {{ ref('tourist_offices_82') }} as offices
left join scores on offices.ot_code = scores.ot_code
left join requalify on offices.ot_code = requalify.ot_code
group by 1, 2
