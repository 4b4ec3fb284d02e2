{{ config(schema='grc') }}
-- Each person's defects (no personal field: the key and flags only).
with people as (
    select
        p.*,
        split_part(p.email, '@', 2) as email_domain,
        regexp_full_match(p.email, '[a-z0-9._%+''-]+@[a-z0-9.-]+\.[a-z]{2,}') as is_valid_email
    from {{ ref('int_nurtik_people') }} as p
),

proof as (
    select
        contact_key,
        bool_or(has_consent_proof) as has_consent_proof
    from {{ ref('nurtik_current_consents') }}
    group by contact_key
),

flags as (
    select
        p.contact_key,
        not p.is_valid_email as invalid_email,
        p.email_domain in (
            select disposable.domain from {{ ref('nurtik_disposable_domains') }} as disposable
        ) as disposable_email,
        p.email_in_name,
        p.first_name is null as missing_first_name,
        p.postcode is null as missing_postcode,
        p.country_iso2 is null
        or not regexp_full_match(p.country_iso2, '[A-Z]{2}')
        or p.country_iso2 in ('XX', 'ZZ') as unknown_country,
        p.contact_ids > 1 as duplicate_contact,
        not coalesce(pr.has_consent_proof, false) as no_consent_proof,
        p.contact_key in (
            select answers.contact_key from {{ ref('stg_nurtik__requalification_answers') }} as answers
        ) as is_requalified
    from people as p
    left join proof as pr using (contact_key)
)

select
    *,
    invalid_email::int + disposable_email::int + email_in_name::int + missing_first_name::int + missing_postcode::int
    + unknown_country::int + duplicate_contact::int + no_consent_proof::int as defect_count,
    not(missing_first_name or missing_postcode or unknown_country) as has_full_profile
from flags
