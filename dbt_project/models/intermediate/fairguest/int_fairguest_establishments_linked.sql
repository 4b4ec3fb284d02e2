-- Each Fairguest establishment linked to its SIT record, hence to its commune, type and OT.
select
    establishments.*,
    offers.offer_key is not null as is_linked,
    offers.offer_type,
    offers.name as sit_name,
    coalesce(offers.insee_code, establishments.insee_code) as territory_insee_code,
    communes.epci_siren,
    offices.ot_code
from {{ ref('stg_fairguest__establishments') }} as establishments
left join {{ ref('offers') }} as offers on establishments.sit_offer_key = offers.offer_key
left join {{ ref('communes_82') }} as communes on coalesce(offers.insee_code, establishments.insee_code) = communes.insee_code
left join {{ ref('tourist_offices_82') }} as offices on communes.epci_siren = offices.epci_siren
