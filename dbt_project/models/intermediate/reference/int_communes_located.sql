-- The territory, by keys only: each commune of the département with its EPCI and the OT that
-- serves it, from the INSEE/DGCL reference seeds. Every domain locates its facts through this.
select
    communes.insee_code,
    communes.commune_name,
    communes.postal_code,
    communes.epci_siren,
    communes.epci_name,
    offices.ot_code,
    offices.ot_name
from {{ ref('communes_82') }} as communes
left join {{ ref('tourist_offices_82') }} as offices
    on communes.epci_siren = offices.epci_siren
