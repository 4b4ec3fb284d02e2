-- Health of the newsletter base month by month over two years (agency only, aggregates).
-- Consent and requalification are read as they stood at each month's end. People and consent
-- periods are joined to the 24 months and counted straight away: grouping by (month, person)
-- held millions of keys at regional scale, beyond a capped DuckDB's memory.
with months as (
    select unnest(generate_series(
        date_trunc('month', {{ as_of_date() }}) - interval 23 month,
        date_trunc('month', {{ as_of_date() }}), interval 1 month
    ))::date as month
),

first_answers as (
    select
        contact_key,
        min(answered_at) as answered_at
    from {{ ref('stg_nurtik__requalification_answers') }}
    group by contact_key
),

people as (
    select
        p.contact_key,
        date_trunc('month', p.created_at)::date as created_month,
        date_trunc('month', a.answered_at)::date as requalified_month,
        coalesce(q.has_full_profile, false) as has_full_profile,
        coalesce(r.expires_within_90_days, false) as expires_within_90_days
    from {{ ref('int_nurtik_people') }} as p
    left join first_answers as a using (contact_key)
    left join {{ ref('nurtik_contact_quality') }} as q using (contact_key)
    left join {{ ref('nurtik_contact_retention') }} as r using (contact_key)
),

-- the newsletter status at the end of each month it changed in: that month's last event
status_changes as (
    select
        contact_key,
        date_trunc('month', occurred_at)::date as from_month,
        arg_max(status, occurred_at) as status
    from {{ ref('int_nurtik_consent_events') }}
    where purpose = 'newsletter'
    group by all
),

-- months from a change to confirmed until the next change (open-ended if none)
status_periods as (
    select
        contact_key,
        from_month,
        status,
        lead(from_month) over (partition by contact_key order by from_month) as until_month
    from status_changes
),

consent_periods as (
    select * from status_periods
    where status = 'confirmed'
),

people_by_month as (
    select
        m.month,
        count(*) as contacts,
        count(*) filter (where p.requalified_month <= m.month) as requalified_contacts,
        count(*) filter (where p.has_full_profile) as full_profile_contacts,
        count(*) filter (where p.expires_within_90_days) as expiring_within_90_days_today
    from months as m inner join people as p on m.month >= p.created_month
    group by m.month
),

consenting_by_month as (
    select
        m.month,
        count(*) as consenting_contacts
    from consent_periods as c
    inner join people as p using (contact_key)
    inner join months as m
        on
            c.from_month <= m.month
            and (c.until_month is null or c.until_month > m.month)
            and p.created_month <= m.month
    group by m.month
)

select
    pm.month,
    pm.contacts,
    coalesce(cm.consenting_contacts, 0) as consenting_contacts,
    round(100.0 * coalesce(cm.consenting_contacts, 0) / pm.contacts, 1) as consent_rate_pct,
    pm.requalified_contacts,
    round(100.0 * pm.requalified_contacts / pm.contacts, 1) as requalified_pct,
    round(100.0 * pm.full_profile_contacts / pm.contacts, 1) as full_profile_pct_today,
    pm.expiring_within_90_days_today
from people_by_month as pm
left join consenting_by_month as cm using (month)
