{{ config(materialized='table', schema='grc') }}
-- Where each person lives, as keys only: origin area (from the postcode's département or the
-- country) and, for residents of the département, the OT whose territory holds their postcode
-- (a postcode shared by two EPCIs gives no OT rather than a guess).
with people as (
    select
        contact_key,
        postcode,
        country_iso2,
        interest_codes
    from {{ ref('int_nurtik_people') }}
),

postcode_ot as (
    select
        postal_code,
        min(ot_code) as ot_code,
        count(distinct ot_code) as ot_count
    from {{ ref('int_communes_located') }}
    where ot_code is not null
    group by postal_code
),

origin as (
    select
        p.*,
        case when coalesce(p.country_iso2, 'FR') = 'FR' and regexp_full_match(coalesce(p.postcode, ''), '\d{5}')
                then left(p.postcode, 2)
        end as departement_code
    from people as p
)

select
    o.contact_key,
    o.interest_codes,
    o.departement_code,
    case when o.country_iso2 is not null and o.country_iso2 <> 'FR' and regexp_full_match(o.country_iso2, '[A-Z]{2}')
            and o.country_iso2 not in ('XX', 'ZZ') then 'etranger'
        when o.departement_code is null then 'inconnue'
        else coalesce(a.origin_area, 'autre_france')
    end as origin_area,
    case when o.country_iso2 <> 'FR' and regexp_full_match(o.country_iso2, '[A-Z]{2}') then o.country_iso2 end
        as origin_country,
    case when o.departement_code = '82' and po.ot_count = 1 then po.ot_code end as ot_code
from origin as o
left join {{ ref('nurtik_origin_areas') }} as a on o.departement_code = a.departement_code
-- The key alone in the join (the département is checked above): a condition on one side only
-- makes DuckDB loop over every pair.
left join postcode_ot as po on o.postcode = po.postal_code
