-- depends_on: {{ source('nurtik', 'suppressions') }}
-- People erased on request or purged at the end of their retention period: keyed hashes only.
select
    contact_key,
    any_value(reason) as reason,
    min(cast(suppressed_at as timestamptz)) as suppressed_at
from {{ read_landing_ndjson(landing_files('nurtik_suppressions', 'suppressions.ndjson'), {
    'contact_key': 'VARCHAR', 'reason': 'VARCHAR', 'suppressed_at': 'VARCHAR'}) }}
group by contact_key
