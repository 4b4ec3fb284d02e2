-- depends_on: {{ source('fairguest', 'api') }} {{ source('fairguest', 'exports') }}
-- One row per landed version of a review (API and exports alike; a review sent again lands again),
-- rating on /10. Reviewer names and countries are personal data: never selected past landing.
-- A view: int_fairguest_reviews_merged reads only the batches it does not hold yet, and DuckDB
-- then opens only their files.
with source as (
    select * from {{ read_landing_ndjson(landing_files('fairguest_reviews', 'reviews.ndjson'), {
        'review_id': 'VARCHAR', 'sheet_id': 'BIGINT', 'platform': 'VARCHAR', 'published_at': 'VARCHAR',
        'rating': 'DOUBLE', 'rating_scale': 'DOUBLE', 'lang': 'VARCHAR', 'title': 'VARCHAR', 'text': 'VARCHAR',
        'aspects': 'STRUCT(theme VARCHAR, polarity VARCHAR, expression VARCHAR)[]'}) }}
)

select
    review_id,
    sheet_id,
    lower(platform) as platform,
    cast(published_at as timestamptz) as published_at,
    round(rating / rating_scale * 10, 2) as rating_10,
    lang,
    title,
    text as review_text,
    aspects,
    _batch_id as batch_id
from source
