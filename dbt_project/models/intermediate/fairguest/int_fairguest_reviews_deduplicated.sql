-- The same stay posted on two platforms counts once: same establishment and text, another
-- platform, published within two days of the first copy.
with ordered as (
    select
        *,
        lag(published_at) over same_text as previous_published_at,
        lag(platform) over same_text as previous_platform
    from {{ ref('int_fairguest_reviews_merged') }}
    window same_text as (partition by sheet_id, review_text order by published_at, review_id)
)

select * exclude (previous_published_at, previous_platform)
from ordered
where previous_published_at is null
    or previous_platform = platform
    or published_at - previous_published_at > interval 2 days
