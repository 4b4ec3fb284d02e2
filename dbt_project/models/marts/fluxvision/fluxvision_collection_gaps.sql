-- Zone-days Orange did not collect (int_fluxvision_zone_days_checked), with the note shown to
-- OT staff wherever the day would appear.
select
    ot_code,
    day,
    year,
    gap_kind,
    case gap_kind
        when 'zero'
            then
                'Collecte défaillante : tous les chiffres du jour sont à zéro '
                || '(jour exclu des moyennes, pics et comparaisons).'
        else 'Jour non livré pour ce territoire (exclu des moyennes, pics et comparaisons).'
    end as note
from {{ ref('int_fluxvision_zone_days_checked') }}
where is_collection_gap
