-- Where visitors come from, per OT and month: French départements and regions (tables
-- *_Departement) and countries (tables *_Pays). `measure` says what the volume counts. Names
-- are mapped to codes through keyed seeds (french_areas from the IGN shapes, fluxvision_countries
-- from pycountry), for the maps; a label no seed knows keeps a null code and its own row.
with origins as (
    select
        ot_code,
        year,
        month,
        case family when 'Nuitee' then 'nuitees' else 'presences_journee' end as measure,
        category_code,
        provenance_code,
        case breakdown when 'Pays' then 'etranger' else 'france' end as origin_scope,
        origin_departement,
        origin_region,
        origin_new_region,
        origin_country,
        sum(volume)::bigint as volume
    from {{ ref('int_fluxvision_volumes_located') }}
    where breakdown in ('Departement', 'Pays') and family in ('Nuitee', 'Diurne')
    group by all
)

select
    origins.*,
    departements.area_code as origin_departement_code,
    regions.area_code as origin_region_code,
    countries.iso_alpha2 as origin_country_iso2,
    countries.iso_numeric as origin_country_iso_numeric,
    coalesce(countries.country_name_fr, origins.origin_country) as origin_country_name,
    coalesce(countries.is_group, false) as origin_country_is_group
from origins
left join {{ ref('french_areas') }} as departements
    on departements.area_kind = 'departement' and departements.label_key = {{ label_key('origins.origin_departement') }}
left join {{ ref('french_areas') }} as regions
    on regions.area_kind = 'region' and regions.label_key = {{ label_key('origins.origin_new_region') }}
left join {{ ref('fluxvision_countries') }} as countries
    on countries.label_key = {{ label_key('origins.origin_country') }}
