-- The département's monthly key figures (every zone), shared with every OT for comparison.
with monthly as (
    select
        year,
        month,
        any_value(season) as season,
        sum(tourist_nights)::bigint as tourist_nights,
        sum(tourist_nights_french)::bigint as tourist_nights_french,
        sum(tourist_nights_foreign)::bigint as tourist_nights_foreign,
        sum(day_tripper_presences)::bigint as day_tripper_presences,
        count(distinct ot_code) as zones_delivered
    from {{ ref('fluxvision_monthly') }}
    group by year, month
)

select
    m.*,
    p.tourist_nights as tourist_nights_previous_year,
    round(100.0 * (m.tourist_nights - p.tourist_nights) / nullif(p.tourist_nights, 0), 1) as tourist_nights_change_pct
from monthly as m
left join monthly as p on p.year = m.year - 1 and m.month = p.month
