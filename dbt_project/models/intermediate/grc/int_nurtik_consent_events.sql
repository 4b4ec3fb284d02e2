{{ config(materialized='table', schema='grc') }}
-- Append-only consent history per person, purpose and channel (no personal field): Nurtik's
-- own history plus the requalification answers (a decline withdraws every purpose at once).
with history as (
    select
        c.contact_key,
        e.purpose,
        e.channel,
        e.status,
        cast(coalesce(nullif(e.confirmed_at, ''), e.collected_at) as timestamptz) as occurred_at,
        (e.ip is not null or e.form_id is not null) and e.optin_method = 'double' as has_proof,
        'nurtik' as origin
    from {{ ref('stg_nurtik__contacts') }} as c, unnest(c.consents) as t (e)
),

purposes as (
    select distinct
        contact_key,
        purpose,
        channel
    from history
),

answers as (
    select
        a.contact_key,
        coalesce(p.purpose, 'newsletter') as purpose,
        coalesce(p.channel, 'email') as channel,
        case a.answer when 'decline' then 'unsubscribed' else 'confirmed' end as status,
        a.answered_at as occurred_at,
        a.answer <> 'decline' as has_proof,
        'requalification' as origin
    from {{ ref('stg_nurtik__requalification_answers') }} as a
    left join purposes as p on a.contact_key = p.contact_key and (a.answer = 'decline' or p.purpose = 'newsletter')
)

select * from history
union all
select * from answers
