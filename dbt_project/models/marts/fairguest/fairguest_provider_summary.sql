-- One row per provider: rating now and over the last 12 months, volume per platform, top
-- positive and negative themes, and comparison with the same type of provider in the same OT.
with establishments as (
    select * from {{ ref('int_fairguest_establishments_linked') }}
),

recent as (
    select
        sheet_id,
        count(*) as reviews_12m,
        round(avg(rating_10), 2) as avg_rating_12m,
        count(*) filter (where platform = 'google') as reviews_google_12m,
        count(*) filter (where platform = 'booking') as reviews_booking_12m,
        count(*) filter (where platform = 'tripadvisor') as reviews_tripadvisor_12m
    from {{ ref('int_fairguest_reviews_deduplicated') }}
    where published_at >= {{ as_of_date() }} - interval 12 months and published_at < {{ as_of_date() }} + interval 1 day
    group by 1
),

previous as (
    select
        sheet_id,
        round(avg(rating_10), 2) as avg_rating_prev_12m
    from {{ ref('int_fairguest_reviews_deduplicated') }}
    where published_at >= {{ as_of_date() }} - interval 24 months
        and published_at < {{ as_of_date() }} - interval 12 months
    group by 1
),

latest_rating as (
    select
        sheet_id,
        weighted_rating,
        is_rating_valid,
        as_of_date as rating_as_of
    from {{ ref('stg_fairguest__ratings') }}
    qualify row_number() over (partition by sheet_id order by as_of_date desc) = 1
),

top_themes as (
    select
        sheet_id,
        arg_max(theme, mentions) filter (where polarity = 'positive') as top_positive_theme,
        arg_max(theme, mentions) filter (where polarity = 'negative') as top_negative_theme
    from {{ ref('fairguest_provider_themes') }}
    group by 1
),

summary as (
    select
        establishments.sheet_id,
        establishments.establishment_name,
        establishments.sit_offer_key,
        establishments.is_linked,
        establishments.offer_type,
        establishments.ot_code,
        latest_rating.weighted_rating,
        latest_rating.is_rating_valid,
        latest_rating.rating_as_of,
        coalesce(recent.reviews_12m, 0) as reviews_12m,
        recent.avg_rating_12m,
        previous.avg_rating_prev_12m,
        coalesce(recent.reviews_google_12m, 0) as reviews_google_12m,
        coalesce(recent.reviews_booking_12m, 0) as reviews_booking_12m,
        coalesce(recent.reviews_tripadvisor_12m, 0) as reviews_tripadvisor_12m,
        top_themes.top_positive_theme,
        top_themes.top_negative_theme
    from establishments
    left join latest_rating using (sheet_id)
    left join recent using (sheet_id)
    left join previous using (sheet_id)
    left join top_themes using (sheet_id)
)

select
    *,
    round(avg(avg_rating_12m) over (partition by ot_code, offer_type), 2) as peers_avg_rating_12m,
    count(*) over (partition by ot_code, offer_type) as peers_count
from summary
