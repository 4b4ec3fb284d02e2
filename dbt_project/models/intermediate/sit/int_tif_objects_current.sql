-- Current state of each XML (TIF) record: its latest landed version. No deletion signal is
-- documented for Constellation exports, so a record stays until the agency says how
-- removals are exported (see README, assumptions).
select tif_objects.*
from {{ ref('stg_tif__objects') }} as tif_objects
where tif_objects.tif_id is not null
qualify row_number()
        over (
            partition by tif_objects.tif_id order by tif_objects.modified_at desc nulls last, tif_objects.batch_id desc
        )
    = 1
