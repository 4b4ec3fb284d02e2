-- Every zone-day of each delivered period, with whether Orange collected it. A zone-day whose
-- figures are all zero is a collection failure, not a real zero (a territory never empties);
-- a day delivered for other zones but not for this one is missing. Either is a gap: left out
-- of averages, peaks and comparisons, and drawn as a gap.
with zone_days as (
    select
        ot_code,
        day,
        sum(volume) filter (where family in ('Nuitee', 'Diurne')) as presences
    from {{ ref('int_fluxvision_volumes_located') }}
    where breakdown is null and family in ('Nuitee', 'Diurne')
    group by ot_code, day
),

delivered_days as (
    select distinct day from zone_days
),

zones as (
    select distinct ot_code from zone_days
)

select
    zones.ot_code,
    delivered_days.day,
    extract(year from delivered_days.day)::integer as year,
    case
        when zone_days.day is null then 'missing'
        when coalesce(zone_days.presences, 0) = 0 then 'zero'
    end as gap_kind,
    zone_days.day is null or coalesce(zone_days.presences, 0) = 0 as is_collection_gap
from zones
cross join delivered_days
left join zone_days on zones.ot_code = zone_days.ot_code and delivered_days.day = zone_days.day
