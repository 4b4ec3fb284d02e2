-- depends_on: {{ source('fairguest', 'api') }}
-- Every rating snapshot polled (the weighted rating /10), dated by its batch.
select
    ratings.sheet_id,
    cast(manifests.received_at as date) as as_of_date,
    ratings.weighted_rating,
    ratings.is_valid as is_rating_valid
from {{ read_landing_ndjson(landing_files('fairguest_ratings', 'ratings.ndjson'), {
    'sheet_id': 'BIGINT', 'weighted_rating': 'DOUBLE', 'is_valid': 'BOOLEAN'}) }} as ratings
inner join {{ read_landing_manifests('fairguest_ratings') }} as manifests on ratings._batch_id = manifests.batch_id
qualify row_number()
        over (partition by ratings.sheet_id, cast(manifests.received_at as date) order by manifests.received_at desc)
    = 1
