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

departements as (
    select
        area_code,
        area_name,
        region_code
    from {{ ref('french_areas') }}
    where area_kind = 'departement'
),

regions as (
    select
        area_code,
        area_name
    from {{ ref('french_areas') }}
    where area_kind = 'region'
),

shaped as (
    select
        offers.offer_key,
        offers.source,
        offers.source_id,
        offers.offer_type,
        classes.datatourisme_class,
        {{ clean.format('offers.name') }} as name,
        -- dc:description: the detailed text (the short one where there is none); partial = short only
        case policy.description
            when 'full' then {{ clean.format('coalesce(details.description_long, details.description_short)') }}
            when 'partial'
                then left({{ clean.format('coalesce(details.description_short, details.description_long)') }}, 300)
        end as description,
        case when policy.description in ('full', 'partial')
                then left({{ clean.format('details.description_short') }}, 300)
        end as description_short,
        offers.address_line1,
        offers.postal_code,
        offers.insee_code,
        offers.commune_name,
        -- the commune's département and region (COG: a metropolitan commune's code starts with its
        -- département's), for the address chain DATAtourisme readers follow
        departements.area_code as departement_code,
        departements.area_name as departement_name,
        regions.area_code as region_code,
        regions.area_name as region_name,
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
        case
            when policy.opening = 'full'
                then list_transform(
                        details.opening_periods,
                        p -> struct_pack(
                            start_date := p.start_date,
                            end_date := p.end_date,
                            opens_at := p.opens_at,
                            closes_at := p.closes_at,
                            note := {{ clean.format('p.note') }}
                        )
                    )
        end as opening_periods,
        details.payment_methods,
        details.amenities,
        details.languages,
        details.pets_allowed,
        details.creation_date,
        offers.last_modified_at,
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
    left join {{ ref('int_offers_aligned') }} as details on offers.offer_key = details.offer_key
    left join departements on left(offers.insee_code, 2) = departements.area_code
    left join regions on departements.region_code = regions.area_code
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
