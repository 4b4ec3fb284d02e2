-- Daily presences per OT, visitor category and provenance: night presences (nuitées, family
-- Nuitee) and daytime presences (family Diurne); a zone-day Orange failed to collect is flagged.
with base as (
    select * from {{ ref('int_fluxvision_volumes_located') }}
    where breakdown is null and family in ('Nuitee', 'Diurne')
)

select
    ot_code,
    epci_siren,
    day,
    year,
    month,
    season,
    iso_weekday,
    weekday_label,
    category_code,
    any_value(category_label) as category_label,
    provenance_code,
    any_value(provenance_label) as provenance_label,
    bool_and(is_known_category and is_known_provenance) as is_known_vocabulary,
    coalesce(sum(volume) filter (where family = 'Nuitee'), 0)::bigint as nights,
    coalesce(sum(volume) filter (where family = 'Diurne'), 0)::bigint as day_presences,
    bool_or(holiday_zone_c) as is_school_holiday,
    bool_or(bank_holiday) as is_bank_holiday,
    bool_or(checked.is_collection_gap) as is_collection_gap
from base
left join (
    select ot_code, day, is_collection_gap from {{ ref('int_fluxvision_zone_days_checked') }}
) as checked using (ot_code, day)
group by all
