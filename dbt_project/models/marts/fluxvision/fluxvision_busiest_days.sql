-- The ten busiest days of each OT and year: tourists and day-trippers from outside the
-- département present in the daytime.
select *
from (
    select
        *,
        row_number() over (partition by ot_code, year order by visitor_presences desc, day asc) as rank
    from {{ ref('int_fluxvision_visitor_days_summed') }}
)
where rank <= 10
