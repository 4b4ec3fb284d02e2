-- Tourist stays by length (nights), per OT, month of arrival and provenance (table SejourDuree).
select
    ot_code,
    year,
    month,
    provenance_code,
    any_value(provenance_label) as provenance_label,
    stay_nights,
    case
        when stay_nights >= 13 then '13 nuits et plus' when stay_nights = 1 then '1 nuit' else stay_nights || ' nuits'
    end as stay_label,
    sum(volume)::bigint as stays
from {{ ref('int_fluxvision_volumes_located') }}
where family = 'SejourDuree' and breakdown is null and stay_nights is not null
group by ot_code, year, month, provenance_code, stay_nights
