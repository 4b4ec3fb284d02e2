-- A table, not a view: opendata_offers and this model's two tests read it, and a view computed
-- each of them again (5 s of a night at the region's scale).
{{ config(materialized="table") }}
-- Each SIT record's payment methods, services and languages in DATAtourisme's terms: source codes go
-- through seed datatourisme_vocabulary (the thesaurus ids and labels the real flux writes); a code
-- the seed does not know is left out. Also the details the feed publishes beyond the offers mart.
with offers as (
    select * from {{ ref('int_offers_typed') }}
),

codes as (
    select
        offer_key,
        source,
        'payment_method' as kind,
        unnest(payment_method_codes) as source_code
    from offers
    union all
    select
        offer_key,
        source,
        'language' as kind,
        unnest(language_codes) as source_code
    from offers
    union all
    select
        offer_key,
        source,
        'amenity' as kind,
        unnest(amenity_codes) as source_code
    from offers
),

-- a term reached by two codes of one record (Wifi at the desk, Wifi everywhere) counts once
terms as (
    select distinct
        codes.offer_key,
        codes.kind,
        vocabulary.datatourisme_id,
        vocabulary.datatourisme_types,
        vocabulary.label_fr
    from codes
    inner join {{ ref('datatourisme_vocabulary') }} as vocabulary
        on codes.source = vocabulary.source
            and codes.kind = vocabulary.kind
            and codes.source_code = vocabulary.source_code
),

aligned as (
    select
        offer_key,
        list(datatourisme_id order by datatourisme_id) filter (where kind = 'language') as languages,
        list(
            { 'id': datatourisme_id, 'types': string_split(datatourisme_types, ' '), 'label': label_fr }
            order by datatourisme_id
        ) filter (where kind = 'payment_method') as payment_methods,
        list(
            { 'id': datatourisme_id, 'types': string_split(datatourisme_types, ' '), 'label': label_fr }
            order by datatourisme_id
        ) filter (where kind = 'amenity') as amenities
    from terms
    group by offer_key
)

select
    offers.offer_key,
    offers.description_short,
    offers.description_long,
    cast(offers.created_at as date) as creation_date,
    offers.opening_periods,
    offers.pets_allowed,
    aligned.languages,
    aligned.payment_methods,
    aligned.amenities
from offers
left join aligned on offers.offer_key = aligned.offer_key
