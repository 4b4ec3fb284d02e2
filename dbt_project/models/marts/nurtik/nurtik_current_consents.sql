{{ config(schema='grc') }}
-- Current consent per person, purpose and channel: the latest event of the history wins.
select
    contact_key,
    purpose,
    channel,
    arg_max(status, occurred_at) as status,
    max(occurred_at) as status_since,
    bool_or(has_proof and status = 'confirmed') as has_consent_proof
from {{ ref('int_nurtik_consent_events') }}
group by contact_key, purpose, channel
