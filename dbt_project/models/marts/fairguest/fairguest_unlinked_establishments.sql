-- Fairguest establishments not linked to a SIT record, to match by hand, with the three closest
-- records of the same commune by name similarity. Never dropped.
with unlinked as (
    select * from {{ ref('int_fairguest_establishments_linked') }}
    where not is_linked
),

candidates as (
    select
        unlinked.sheet_id,
        offers.offer_key,
        offers.name,
        round(
            jaro_winkler_similarity(
                lower(strip_accents(unlinked.establishment_name)), lower(strip_accents(offers.name))
            ),
            3
        ) as similarity
    from unlinked
    inner join {{ ref('offers') }} as offers on unlinked.insee_code = offers.insee_code
    qualify row_number() over (partition by unlinked.sheet_id order by similarity desc, offers.offer_key asc) <= 3
)

select
    unlinked.sheet_id,
    unlinked.establishment_name,
    unlinked.insee_code,
    unlinked.ot_code,
    list(
        struct_pack(offer_key := candidates.offer_key, name := candidates.name, similarity := candidates.similarity)
        order by candidates.similarity desc
    ) filter (where candidates.offer_key is not null
    ) as suggestions
from unlinked
left join candidates using (sheet_id)
group by all
