-- depends_on: {{ source('nurtik', 'api') }}
-- Activity events (opens, clicks, forms, bookings…) by Nurtik contact id; no personal field.
select distinct on (event_id)
    event_id,
    contact_id,
    lower(type) as event_type,
    campaign_id,
    cast(occurred_at as timestamptz) as occurred_at
from {{ read_landing_ndjson(landing_files('nurtik_events', 'events.ndjson'), {
    'event_id': 'VARCHAR', 'contact_id': 'VARCHAR', 'type': 'VARCHAR', 'campaign_id': 'VARCHAR', 'occurred_at': 'VARCHAR'}) }}
