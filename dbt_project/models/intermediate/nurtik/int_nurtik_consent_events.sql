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

numbered_answers as (
    select
        row_number() over () as answer_row,
        *
    from {{ ref('stg_nurtik__requalification_answers') }}
),

-- The purposes an answer applies to: all of them for a decline, the newsletter otherwise. Matched
-- by an inner join then kept by a left join on the answer's row: a left join whose condition
-- holds this OR made DuckDB loop over every pair (15 s at regional scale, 0.4 s so).
answer_purposes as (
    select
        a.answer_row,
        p.purpose,
        p.channel
    from numbered_answers as a
    inner join purposes as p on a.contact_key = p.contact_key
    where a.answer = 'decline' or p.purpose = 'newsletter'
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
    from numbered_answers as a
    left join answer_purposes as p on a.answer_row = p.answer_row
)

select * from history
union all
select * from answers
