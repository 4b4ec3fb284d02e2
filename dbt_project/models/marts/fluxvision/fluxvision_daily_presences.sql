-- Daily presences per OT, visitor category and provenance: night presences (nuitées, family
-- Nuitee) and daytime presences (family Diurne); a zone-day Orange failed to collect is flagged.
with base as (
    select * from {{ ref('int_fluxvision_volumes_located') }}
    where breakdown is null and family in ('Nuitee', 'Diurne')
),

checked as (
    select
        ot_code,
        day,
        is_collection_gap
    from {{ ref('int_fluxvision_zone_days_checked') }}
)

select
    ot_code,
    base.epci_siren,
    day,
    base.year,
    base.month,
    base.season,
    base.iso_weekday,
    base.weekday_label,
    base.category_code,
    any_value(base.category_label) as category_label,
    base.provenance_code,
    any_value(base.provenance_label) as provenance_label,
    bool_and(base.is_known_category and base.is_known_provenance) as is_known_vocabulary,
    coalesce(sum(base.volume) filter (where base.family = 'Nuitee'), 0)::bigint as nights,
    coalesce(sum(base.volume) filter (where base.family = 'Diurne'), 0)::bigint as day_presences,
    bool_or(base.holiday_zone_c) as is_school_holiday,
    bool_or(base.bank_holiday) as is_bank_holiday,
    bool_or(checked.is_collection_gap) as is_collection_gap
from base
left join checked using (ot_code, day)
group by all
