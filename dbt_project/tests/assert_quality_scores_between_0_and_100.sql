select
    offer_key,
    quality_score
from {{ ref('offer_quality_scores') }}
where quality_score not between 0 and 100
