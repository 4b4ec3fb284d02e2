-- Where the newsletter base comes from and what it likes, for the whole département: people
-- with a current newsletter consent by origin area (82, neighbours, Toulouse area, other
-- regions, abroad by country) and interest. Aggregates only; counts under 5 are not shown.
with consenting as (
    select l.*
    from {{ ref('int_nurtik_people_located') }} as l
    inner join {{ ref('nurtik_current_consents') }} as c
        on l.contact_key = c.contact_key and c.purpose = 'newsletter' and c.channel = 'email' and c.status = 'confirmed'
),

counts as (
    select
        origin_area,
        origin_country,
        'tous' as interest_code,
        count(*) as people
    from consenting
    group by all
    union all
    select
        origin_area,
        origin_country,
        interest as interest_code,
        count(distinct contact_key) as people
    from consenting, unnest(interest_codes) as t (interest)
    group by all
)

select
    origin_area,
    origin_country,
    interest_code,
    case when people >= 5 then people end as consenting_people,
    people < 5 as is_masked
from counts
