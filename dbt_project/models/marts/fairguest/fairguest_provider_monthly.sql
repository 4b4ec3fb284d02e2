-- Reviews and average rating /10 per provider and month (the trend in reports).
select
    sheet_id,
    cast(date_trunc('month', published_at) as date) as month,
    count(*) as reviews,
    round(avg(rating_10), 2) as avg_rating_10,
    count(*) filter (where platform = 'google') as reviews_google,
    count(*) filter (where platform = 'booking') as reviews_booking,
    count(*) filter (where platform = 'tripadvisor') as reviews_tripadvisor
from {{ ref('int_fairguest_reviews_deduplicated') }}
group by all
