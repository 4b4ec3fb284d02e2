-- depends_on: {{ source('apidae', 'export_objects') }}
-- Commune reference shipped in each export ZIP (export objects carry only the commune id).
with source as (
    select * from {{ read_landing_ndjson(landing_files('apidae', 'communes.ndjson'), {
        'id': 'BIGINT', 'code': 'VARCHAR', 'nom': 'VARCHAR', 'codePostal': 'VARCHAR'}) }}
)

select distinct
    id as apidae_commune_id,
    code as commune_insee_code,
    nom as commune_name,
    codePostal as postal_code
from source
