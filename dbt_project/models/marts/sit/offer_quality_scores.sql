-- Offer quality score (0–100) per record, from seven criteria the agency uses in its
-- requalification campaigns. Weights sum to 100.
with offers as (
    select * from {{ ref('offers') }}
),

criteria as (
    select
        offer_key,
        coalesce(length(description), 0) >= 50 as has_description,
        photo_count > 0 as has_photo,
        coalesce(phone, email, website) is not null as has_contact,
        opening_period_count > 0 or opening_text is not null as has_opening_periods,
        coalesce(is_free, false) or price_text is not null or price_min_eur is not null as has_prices,
        -- a point outside the commune it declares is a wrong geolocation too
        coordinates_status = 'ok' and coalesce(is_in_declared_commune, true) as has_valid_geolocation,
        not coalesce(is_in_declared_commune, true) as is_outside_declared_commune,
        last_modified_at >= {{ as_of_date() }} - interval 365 days as is_fresh
    from offers
)

select
    offers.offer_key,
    offers.source,
    offers.source_id,
    offers.ot_code,
    offers.insee_code,
    offers.offer_type,
    offers.name,
    offers.owner_name,
    offers.last_modified_at,
    offers.coordinates_status,
    offers.is_in_declared_commune,
    criteria.* exclude (offer_key),
    (
        20 * criteria.has_description::int
        + 20 * criteria.has_photo::int
        + 15 * criteria.has_contact::int
        + 15 * criteria.has_opening_periods::int
        + 10 * criteria.has_prices::int
        + 10 * criteria.has_valid_geolocation::int
        + 10 * criteria.is_fresh::int
    ) as quality_score,
    array_to_string(list_filter([
        case when not criteria.has_description then 'descriptif' end,
        case when not criteria.has_photo then 'photo' end,
        case when not criteria.has_contact then 'contact (téléphone, e-mail ou site web)' end,
        case when not criteria.has_opening_periods then 'périodes d''ouverture' end,
        case when not criteria.has_prices then 'tarifs' end,
        case
            when criteria.is_outside_declared_commune then 'géolocalisation (point hors de la commune déclarée)'
            when not criteria.has_valid_geolocation then 'géolocalisation'
        end,
        case when not criteria.is_fresh then 'mise à jour de plus d''un an' end
    ], x -> x is not null), ', ') as missing_items
from offers
inner join criteria using (offer_key)
