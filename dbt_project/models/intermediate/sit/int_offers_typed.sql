-- Each located SIT record with its key and its type in t82's vocabulary (seeds/offer_types.csv;
-- an unmapped source type is 'autre', which a singular test reports).
select
    located.source || ':' || located.source_id as offer_key,
    located.*,
    coalesce(types.offer_type, 'autre') as offer_type
from {{ ref('int_offers_placed') }} as located
left join {{ ref('offer_types') }} as types
    on located.source = types.source and located.source_type = types.source_type
