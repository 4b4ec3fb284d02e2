{{ config(schema='grc') }}
-- CNIL rule for prospects: data may be kept 3 years from collection or from the last contact
-- the person initiated (a click, a form, a booking, a requalification answer — an open does not
-- count). as_of_date pins "today" for tests and re-runs.
with initiated as (
    select
        p.contact_key,
        max(e.occurred_at) as last_initiated_at
    from {{ ref('int_nurtik_people') }} as p, unnest(p.nurtik_ids) as t (contact_id)
    inner join {{ ref('stg_nurtik__events') }} as e on t.contact_id = e.contact_id
    where e.event_type in ('click', 'form_submit', 'booking')
    group by p.contact_key
),

answered as (
    select
        contact_key,
        max(answered_at) as answered_at
    from {{ ref('stg_nurtik__requalification_answers') }}
    group by contact_key
)

select
    p.contact_key,
    p.created_at,
    greatest(p.created_at, i.last_initiated_at, a.answered_at) as last_initiated_at,
    (greatest(p.created_at, i.last_initiated_at, a.answered_at) + interval 3 year)::date as expires_on,
    (greatest(p.created_at, i.last_initiated_at, a.answered_at) + interval 3 year)::date
    <= {{ as_of_date() }} as is_expired,
    (greatest(p.created_at, i.last_initiated_at, a.answered_at) + interval 3 year)::date
    between {{ as_of_date() }} and {{ as_of_date() }} + interval 90 day as expires_within_90_days
from {{ ref('int_nurtik_people') }} as p
left join initiated as i using (contact_key)
left join answered as a using (contact_key)
