{{ config(schema='personal') }}
-- Personal data: who to ask to confirm and complete their details, and what is missing (in
-- French, for the campaign's personalised link). Not asked: people who already answered,
-- addresses that cannot receive mail, people who withdrew every consent.
with reachable as (
    select contact_key from {{ ref('nurtik_current_consents') }}
    group by contact_key
    having bool_or(status in ('confirmed', 'pending'))
)

select
    p.email,
    p.first_name,
    q.contact_key,
    concat_ws(
        ', ',
        case when q.missing_first_name or q.email_in_name then 'prénom' end,
        case when q.missing_postcode then 'code postal' end,
        case when q.unknown_country then 'pays' end,
        case when q.no_consent_proof then 'confirmation du consentement' end
    ) as fields_to_complete,
    q.defect_count
from {{ ref('nurtik_contact_quality') }} as q
inner join {{ ref('int_nurtik_people') }} as p using (contact_key)
where q.defect_count > 0
    and not q.is_requalified
    and not q.invalid_email
    and not q.disposable_email
    and p.global_status = 'active'
    and q.contact_key in (select reachable.contact_key from reachable)
