-- E-reputation of each OT's territory by offer type, over the last 12 months (aggregates only).
select
    providers.ot_code,
    providers.offer_type,
    count(*) as providers,
    sum(providers.reviews_12m) as reviews_12m,
    round(sum(providers.avg_rating_12m * providers.reviews_12m) / nullif(sum(providers.reviews_12m), 0), 2)
        as avg_rating_12m,
    count(*) filter (where providers.is_rating_valid) as providers_with_valid_rating
from {{ ref('fairguest_provider_summary') }} as providers
where providers.ot_code is not null
group by all
