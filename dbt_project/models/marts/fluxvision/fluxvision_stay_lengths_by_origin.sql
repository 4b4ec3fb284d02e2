-- Tourist stays by origin (tables SejourDuree_Departement and SejourDuree_Pays), per OT and
-- month of arrival: which départements and countries stay longest. "13 nuits et plus" counts as 13 nights,
-- so the average is a lower bound for the longest stays.
select
    ot_code,
    year,
    month,
    case breakdown when 'Pays' then 'etranger' else 'france' end as origin_scope,
    coalesce(origin_departement, origin_country) as origin,
    sum(volume)::bigint as stays,
    sum(volume * stay_nights)::bigint as stay_nights_total,
    round(sum(volume * stay_nights) / nullif(sum(volume), 0), 2) as average_stay_nights
from {{ ref('int_fluxvision_volumes_located') }}
where family = 'SejourDuree' and breakdown in ('Departement', 'Pays') and stay_nights is not null
group by all
