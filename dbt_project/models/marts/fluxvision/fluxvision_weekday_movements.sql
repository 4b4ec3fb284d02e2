-- Tourist arrivals and departures by weekday, per OT, year and provenance.
select
    ot_code,
    year,
    provenance_code,
    any_value(provenance_label) as provenance_label,
    iso_weekday,
    weekday_label,
    coalesce(sum(volume) filter (where family = 'Arrivee'), 0)::bigint as arrivals,
    coalesce(sum(volume) filter (where family = 'Depart'), 0)::bigint as departures
from {{ ref('int_fluxvision_volumes_located') }}
where family in ('Arrivee', 'Depart') and breakdown is null
group by ot_code, year, provenance_code, iso_weekday, weekday_label
