-- depends_on: {{ source('apidae', 'objects') }} {{ source('apidae', 'export_objects') }}
-- Landing manifests of the batches that make up the current state (latest full + later).
select
    batch_id,
    received_at,
    kind as batch_kind,
    mode as batch_mode,
    record_count,
    quarantined as quarantined_count,
    payload_sha256
from {{ read_landing_manifests('apidae') }}
