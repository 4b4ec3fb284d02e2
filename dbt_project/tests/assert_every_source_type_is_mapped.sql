-- A source type missing from seeds/offer_types.csv lands as 'autre': add it to the seed.
{{ config(severity='warn') }}
select
    source,
    source_type,
    count(*) as offers
from {{ ref('offers') }}
where offer_type = 'autre'
group by all
