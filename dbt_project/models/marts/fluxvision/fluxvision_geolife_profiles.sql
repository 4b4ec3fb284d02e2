-- Visitors by Geolife profile (Orange's socio-demographic segments of the home area: urban,
-- rural…), per OT and month, from the *_Geolife tables. Empty when no delivery holds them.
select
    ot_code,
    year,
    month,
    case family when 'Nuitee' then 'nuitees' else 'presences_journee' end as measure,
    category_code,
    provenance_code,
    geolife as geolife_profile,
    sum(volume)::bigint as volume
from {{ ref('int_fluxvision_volumes_located') }}
where breakdown = 'Geolife' and family in ('Nuitee', 'Diurne') and geolife is not null
group by all
