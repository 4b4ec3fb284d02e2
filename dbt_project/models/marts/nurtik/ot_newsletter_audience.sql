-- What each OT's residents in the newsletter base are interested in: counts of people with a
-- current newsletter consent, by interest. Aggregates only, and a count under 5 is not shown
-- (null) so that nobody can be singled out.
with residents as (
    select
        l.ot_code,
        l.contact_key,
        l.interest_codes
    from {{ ref('int_nurtik_people_located') }} as l
    inner join {{ ref('nurtik_current_consents') }} as c
        on l.contact_key = c.contact_key and c.purpose = 'newsletter' and c.channel = 'email' and c.status = 'confirmed'
    where l.ot_code is not null
),

counts as (
    select
        ot_code,
        'tous' as interest_code,
        count(*) as people
    from residents
    group by ot_code
    union all
    select
        ot_code,
        interest as interest_code,
        count(distinct contact_key) as people
    from residents, unnest(interest_codes) as t (interest)
    group by all
)

select
    ot_code,
    interest_code,
    case when people >= 5 then people end as consenting_residents,
    people < 5 as is_masked
from counts
