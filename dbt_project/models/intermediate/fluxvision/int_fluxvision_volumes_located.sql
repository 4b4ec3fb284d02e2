{{ config(materialized="table") }}
-- A table: every Flux Vision mart reads it, and the merge of all deliveries is the costly part.
-- Flux Vision figures with their OT and calendar attributes (territory by key: EPCI SIREN → OT).
with ot_by_epci as (
    select distinct
        epci_siren,
        ot_code
    from {{ ref('int_communes_located') }}
    where ot_code is not null
)

select
    v.*,
    ot.ot_code,
    extract(year from v.day)::integer as year,
    extract(month from v.day)::integer as month,
    case when extract(month from v.day) in (12, 1, 2) then 'hiver'
        when extract(month from v.day) in (3, 4, 5) then 'printemps'
        when extract(month from v.day) in (6, 7, 8) then 'été'
        else 'automne'
    end as season,
    isodow(v.day) as iso_weekday,
    ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'][isodow(v.day)] as weekday_label
from {{ ref('stg_fluxvision__volumes') }} as v
inner join ot_by_epci as ot on v.epci_siren = ot.epci_siren
