-- What guests say, per provider and theme, over the last 12 months (from the review aspects).
select
    reviews.sheet_id,
    aspect.theme,
    aspect.polarity,
    count(*) as mentions,
    -- an example quote for the report: the most recent one
    arg_max(aspect.expression, reviews.published_at) as example_quote
from {{ ref('int_fairguest_reviews_deduplicated') }} as reviews,
    unnest(reviews.aspects) as t (aspect)
where reviews.published_at >= {{ as_of_date() }} - interval 12 months
    and reviews.published_at < {{ as_of_date() }} + interval 1 day
group by all
