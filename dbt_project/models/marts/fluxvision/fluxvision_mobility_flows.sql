-- Where visitors slept or spent the day the evening before or after their presence (tables
-- LieuNuitee_* and LieuActivite_*), per OT and year: the place as delivered (commune, EPCI,
-- département joined by "|"). Empty when no delivery holds them.
select
    ot_code,
    year,
    family as flow_family,
    breakdown as flow_moment,
    category_code,
    provenance_code,
    breakdown_key as place,
    sum(volume)::bigint as volume
from {{ ref('int_fluxvision_volumes_located') }}
where family in ('LieuNuitee', 'LieuActivite')
group by all
