-- Current state of each Apidae object: the merged objects that no export deleted.
select * exclude (deleted_at, deleted_in_batch_id)
from {{ ref('int_apidae_objects_merged') }}
where deleted_at is null
