-- Each OT's days: visitors present in the daytime and tourist nights, as Flux Vision defines
-- them (macros/fluxvision_kpis.sql). The busiest-day marts rank these; collection gaps are left out.
select
    ot_code,
    year,
    day,
    any_value(weekday_label) as weekday_label,
    bool_or(is_school_holiday) as is_school_holiday,
    bool_or(is_bank_holiday) as is_bank_holiday,
    coalesce(sum(day_presences) filter (where {{ fv_visitors() }}), 0)::bigint as visitor_presences,
    coalesce(sum(nights) filter (where {{ fv_tourists() }}), 0)::bigint as tourist_nights
from {{ ref('fluxvision_daily_presences') }}
where not is_collection_gap
group by ot_code, year, day
