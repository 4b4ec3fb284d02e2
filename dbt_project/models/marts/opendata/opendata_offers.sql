-- The open-data subset: every published record of the territory with only the fields the
-- publication policy allows, cleaned of HTML and control characters, and the reason when a
-- record is held back from the feed. Personal data never enter this model.
{% set clean %}trim(regexp_replace(regexp_replace({0}, '<[^>]*>', ' ', 'g'), '[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]', '', 'g')){% endset %}
with offers as (
    select * from {{ ref('offers') }}
    where ot_code is not null
        and publication_state = 'PUBLISHED'
        and duplicate_of_offer_key is null  -- the Apidae record is the one published
),

policy as (
    select * from {{ ref('publication_policy') }}
),

shaped as (
    select
        offers.offer_key,
        offers.source,
        offers.source_id,
        offers.offer_type,
        classes.datatourisme_class,
        {{ clean.format('offers.name') }} as name,
        case policy.description
            when 'full' then {{ clean.format('offers.description') }}
            when 'partial' then left({{ clean.format('offers.description') }}, 300)
        end as description,
        offers.address_line1,
        offers.postal_code,
        offers.insee_code,
        offers.commune_name,
        offers.longitude,
        offers.latitude,
        case when policy.contacts = 'full' then offers.phone end as phone,
        case when policy.contacts = 'full' then offers.email end as email,
        case when policy.contacts in ('full', 'partial') then offers.website end as website,
        case when policy.prices in ('full', 'partial') then offers.price_min_eur end as price_min_eur,
        case when policy.prices = 'full' then offers.price_text end as price_text,
        case when policy.media = 'full' then offers.first_photo_url end as photo_url,
        case when policy.media = 'full' then offers.first_photo_credit end as photo_credit,
        case when policy.opening = 'full' then offers.first_opening_date end as start_date,
        case when policy.opening = 'full' then offers.last_opening_date end as end_date,
        offers.ot_code,
        offices.ot_name as created_by,
        cast(offers.last_modified_at as date) as last_update,
        '{{ var("publication_policy_version") }}' as policy_version,
        -- stable record UUID derived from the record key: the same record keeps its URI
        regexp_replace(md5(offers.offer_key), '^(.{8})(.{4})(.{4})(.{4})(.{12})$', '\1-\2-\3-\4-\5') as record_uuid,
        policy.offer_type is not null as has_policy
    from offers
    left join policy using (offer_type)
    left join {{ ref('datatourisme_classes') }} as classes using (offer_type)
    left join {{ ref('tourist_offices_82') }} as offices on offers.ot_code = offices.ot_code
)

select
    *,
    case
        when not has_policy or datatourisme_class is null then 'type sans politique de publication'
        when name is null or name = '' then 'nom manquant'
        when insee_code is null then 'commune (code INSEE) manquante'
        when longitude is null or latitude is null then 'coordonnées manquantes ou invalides'
        when last_update is null then 'date de mise à jour manquante'
        when offer_type = 'evenement' and (start_date is null or end_date is null) then 'événement sans dates'
    end as held_back_reason
from shaped
