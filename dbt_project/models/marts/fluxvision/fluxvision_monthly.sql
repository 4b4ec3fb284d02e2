-- Monthly key figures per OT, with the same month of the previous year. Tourism totals follow
-- the Flux Vision definitions (macros/fluxvision_kpis.sql): visitors from outside the département.
with monthly as (
    select
        ot_code,
        year,
        month,
        any_value(season) as season,
        sum(nights) filter (where {{ fv_tourists() }})::bigint as tourist_nights,
        sum(nights) filter (where {{ fv_tourists_french() }})::bigint as tourist_nights_french,
        sum(nights) filter (where {{ fv_tourists_foreign() }})::bigint as tourist_nights_foreign,
        sum(nights) filter (where {{ fv_tourists_local() }})::bigint as tourist_nights_local,
        sum(day_presences) filter (where {{ fv_day_trippers() }})::bigint as day_tripper_presences,
        sum(day_presences) filter (where {{ fv_day_trippers_foreign() }})::bigint as day_tripper_presences_foreign,
        sum(day_presences) filter (where {{ fv_day_trippers_local() }})::bigint as day_tripper_presences_local,
        sum(nights) filter (where category_code = 'resident')::bigint as resident_nights,
        sum(nights) filter (where category_code = 'habitually_present')::bigint as habitually_present_nights,
        count(distinct day) filter (where not is_collection_gap) as days_delivered,
        count(distinct day) filter (where is_collection_gap) as collection_gap_days
    from {{ ref('fluxvision_daily_presences') }}
    group by ot_code, year, month
),

-- Year-on-year change on like-for-like days: a day missing or failed in either year is left out.
like_for_like as (
    select
        n.ot_code,
        n.year,
        extract(month from n.day)::integer as month,
        sum(n.tourist_nights) as tourist_nights,
        sum(p.tourist_nights) as tourist_nights_previous_year
    from {{ ref('int_fluxvision_visitor_days_summed') }} as n
    inner join {{ ref('int_fluxvision_visitor_days_summed') }} as p
        on n.ot_code = p.ot_code and p.day = n.day - interval 1 year
    group by all
)

select
    m.*,
    p.tourist_nights as tourist_nights_previous_year,
    l.tourist_nights as tourist_nights_comparable,
    l.tourist_nights_previous_year as tourist_nights_previous_year_comparable,
    round(100.0 * (l.tourist_nights - l.tourist_nights_previous_year) / nullif(l.tourist_nights_previous_year, 0), 1)
        as tourist_nights_change_pct,
    p.day_tripper_presences as day_tripper_presences_previous_year,
    round(100.0 * (m.day_tripper_presences - p.day_tripper_presences) / nullif(p.day_tripper_presences, 0), 1)
        as day_tripper_presences_change_pct
from monthly as m
left join monthly as p on m.ot_code = p.ot_code and p.year = m.year - 1 and m.month = p.month
left join like_for_like as l on m.ot_code = l.ot_code and m.year = l.year and m.month = l.month
