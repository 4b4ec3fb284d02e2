-- Current state of each XML (TIF) record: its latest landed version. No deletion signal is
-- documented for Constellation exports, so a record stays until the agency says how
-- removals are exported (see README, assumptions).
select objects.*
from {{ ref('stg_tif__objects') }} as objects
where tif_id is not null
qualify row_number() over (partition by tif_id order by modified_at desc nulls last, batch_id desc) = 1
