-- Each Fairguest establishment linked to its SIT record, hence to its commune, type and OT.
select
    establishments.*,
    offers.offer_key is not null as is_linked,
    offers.offer_type,
    offers.name as sit_name,
    coalesce(offers.commune_insee_code, establishments.insee_code) as territory_insee_code,
    territory.epci_siren,
    territory.ot_code
from {{ ref('stg_fairguest__establishments') }} as establishments
left join {{ ref('int_offers_typed') }} as offers
    on establishments.sit_offer_key = offers.offer_key
left join {{ ref('int_communes_located') }} as territory
    on coalesce(offers.commune_insee_code, establishments.insee_code) = territory.insee_code
