-- E-reputation of each OT's territory by offer type, over the last 12 months (aggregates only).
select
    summary.ot_code,
    summary.offer_type,
    count(*) as providers,
    sum(summary.reviews_12m) as reviews_12m,
    round(sum(summary.avg_rating_12m * summary.reviews_12m) / nullif(sum(summary.reviews_12m), 0), 2) as avg_rating_12m,
    count(*) filter (where summary.is_rating_valid) as providers_with_valid_rating
from {{ ref('fairguest_provider_summary') }} as summary
where summary.ot_code is not null
group by all
