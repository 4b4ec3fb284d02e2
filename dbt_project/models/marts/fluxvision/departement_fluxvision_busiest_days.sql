-- The ten busiest days of the département (every zone) and each year.
with daily as (
    select
        year,
        day,
        any_value(weekday_label) as weekday_label,
        bool_or(is_school_holiday) as is_school_holiday,
        bool_or(is_bank_holiday) as is_bank_holiday,
        sum(visitor_presences)::bigint as visitor_presences,
        sum(tourist_nights)::bigint as tourist_nights
    from {{ ref('int_fluxvision_visitor_days_summed') }}
    group by year, day
),

ranked as (
    select
        *,
        row_number() over (partition by year order by visitor_presences desc, day asc) as rank
    from daily
)

select * from ranked
where rank <= 10
