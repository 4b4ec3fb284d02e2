-- Arrivals and departures by weekday, per OT, month, visitor category and provenance (tables
-- Arrivee and Depart): foreigners and locals do not leave on the same day.
select
    ot_code,
    year,
    month,
    category_code,
    any_value(category_label) as category_label,
    provenance_code,
    any_value(provenance_label) as provenance_label,
    iso_weekday,
    weekday_label,
    coalesce(sum(volume) filter (where family = 'Arrivee'), 0)::bigint as arrivals,
    coalesce(sum(volume) filter (where family = 'Depart'), 0)::bigint as departures
from {{ ref('int_fluxvision_volumes_located') }}
where family in ('Arrivee', 'Depart') and breakdown is null
group by ot_code, year, month, category_code, provenance_code, iso_weekday, weekday_label
