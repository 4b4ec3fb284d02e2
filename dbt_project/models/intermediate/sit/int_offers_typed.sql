-- Each located SIT record with its key and its type in t82's vocabulary (seeds/offer_types.csv;
-- an unmapped source type is 'autre', which a singular test reports).
select
    located.source || ':' || located.source_id as offer_key,
    located.*,
    coalesce(mapped_types.offer_type, 'autre') as offer_type
from {{ ref('int_offers_placed') }} as located
left join {{ ref('offer_types') }} as mapped_types
    on located.source = mapped_types.source and located.source_type = mapped_types.source_type
