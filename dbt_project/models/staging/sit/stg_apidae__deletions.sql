-- depends_on: {{ source('apidae', 'export_objects') }}
-- Ids listed in an export's objets_supprimes.json, with the batch that announced them.
select
    id as apidae_id,
    _batch_id as batch_id
from {{ read_landing_ndjson(landing_files('apidae', 'deletions.ndjson'), {'id': 'BIGINT'}) }}
