-- E-reputation of the whole département by offer type, over the last 12 months (aggregates only),
-- the reference each OT compares its territory with.
select
    offer_type,
    count(distinct ot_code) as ots,
    sum(providers) as providers,
    sum(reviews_12m) as reviews_12m,
    round(sum(avg_rating_12m * reviews_12m) / nullif(sum(reviews_12m), 0), 2) as avg_rating_12m
from {{ ref('ot_ereputation') }}
group by all
