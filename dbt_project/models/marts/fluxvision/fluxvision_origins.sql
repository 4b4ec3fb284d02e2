-- Where visitors come from, per OT and month: French départements and regions (tables
-- *_Departement) and countries (tables *_Pays). `measure` says what the volume counts.
select
    ot_code,
    year,
    month,
    case family when 'Nuitee' then 'nuitees' else 'presences_journee' end as measure,
    category_code,
    case breakdown when 'Pays' then 'etranger' else 'france' end as origin_scope,
    origin_departement,
    origin_region,
    origin_new_region,
    origin_country,
    sum(volume)::bigint as volume
from {{ ref('int_fluxvision_volumes_located') }}
where breakdown in ('Departement', 'Pays') and family in ('Nuitee', 'Diurne')
group by all
