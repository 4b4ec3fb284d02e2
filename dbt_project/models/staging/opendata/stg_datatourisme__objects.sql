-- depends_on: {{ source('datatourisme', 'objects') }}
-- Objects of the latest DATAtourisme download (each download is a full snapshot).
select
    uri as datatourisme_uri,
    identifier as datatourisme_identifier,
    label_fr,
    insee_code,
    try_cast(last_update as date) as last_update,
    publishers,
    list_has_any(list_transform(publishers, p -> p ilike '%apidae%'), [true]) as is_from_apidae_connector,
    _batch_id as batch_id
from {{ read_landing_ndjson(landing_files('datatourisme', 'objects.ndjson'), {
    'uri': 'VARCHAR', 'identifier': 'VARCHAR', 'label_fr': 'VARCHAR', 'insee_code': 'VARCHAR',
    'last_update': 'VARCHAR', 'publishers': 'VARCHAR[]'}) }}
