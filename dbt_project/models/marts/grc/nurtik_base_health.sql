-- Health of the newsletter base month by month over two years (agency only, aggregates).
-- Consent and requalification are read as they stood at each month's end, from the history.
with months as (
    select unnest(generate_series(date_trunc('month', {{ as_of_date() }}) - interval 23 month,
                                  date_trunc('month', {{ as_of_date() }}), interval 1 month))::date as month
),

consent_at as (
    select m.month, e.contact_key, arg_max(e.status, e.occurred_at) as status
    from months m
    join {{ ref('int_nurtik_consent_events') }} e
        on e.purpose = 'newsletter' and e.occurred_at < m.month + interval 1 month
    group by m.month, e.contact_key
),

people_at as (
    select m.month, p.contact_key
    from months m join {{ ref('int_nurtik_people') }} p on p.created_at < m.month + interval 1 month
)

select
    pa.month,
    count(*) as contacts,
    count(*) filter (where c.status = 'confirmed') as consenting_contacts,
    round(100.0 * count(*) filter (where c.status = 'confirmed') / count(*), 1) as consent_rate_pct,
    count(*) filter (where a.answered_at < pa.month + interval 1 month) as requalified_contacts,
    round(100.0 * count(*) filter (where a.answered_at < pa.month + interval 1 month) / count(*), 1) as requalified_pct,
    round(100.0 * count(*) filter (where q.has_full_profile) / count(*), 1) as full_profile_pct_today,
    count(*) filter (where r.expires_within_90_days) as expiring_within_90_days_today
from people_at pa
left join consent_at c using (month, contact_key)
left join (select contact_key, min(answered_at) as answered_at from {{ ref('stg_nurtik__requalification_answers') }} group by 1) a
    using (contact_key)
left join {{ ref('nurtik_contact_quality') }} q using (contact_key)
left join {{ ref('nurtik_contact_retention') }} r using (contact_key)
group by pa.month
