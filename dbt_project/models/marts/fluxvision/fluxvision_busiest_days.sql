-- The ten busiest days of each OT and year: tourists and day-trippers present in the daytime.
with daily as (
    select
        ot_code,
        year,
        day,
        any_value(weekday_label) as weekday_label,
        bool_or(is_school_holiday) as is_school_holiday,
        bool_or(is_bank_holiday) as is_bank_holiday,
        sum(day_presences) filter (where category_code in ('tourist', 'day_tripper', 'recurrent_day_tripper'))::bigint as visitor_presences,
        sum(nights) filter (where category_code = 'tourist')::bigint as tourist_nights
    from {{ ref('fluxvision_daily_presences') }}
    group by ot_code, year, day
)

select *
from (
    select *, row_number() over (partition by ot_code, year order by visitor_presences desc, day) as rank
    from daily
)
where rank <= 10
