{{ config(materialized='incremental', unique_key='event_id', incremental_strategy='delete+insert') }}
-- depends_on: {{ source('nurtik', 'api') }}
-- Activity events (opens, clicks, forms, bookings…) by Nurtik contact id; no personal field.
-- Incremental on the landing batch: a night reads only the batches this table does not hold (an
-- event sent again replaces the row held). The GDPR jobs, which rewrite the landing, rebuild it
-- whole (`full_refresh`): an erased person's events leave it.
{% set held = landed_batches_in(this) if is_incremental() else [] %}
select distinct on (event_id)
    event_id,
    contact_id,
    lower(type) as event_type,
    campaign_id,
    cast(occurred_at as timestamptz) as occurred_at,
    _batch_id as batch_id
from {{ read_landing_ndjson(landing_files('nurtik_events', 'events.ndjson'), {
    'event_id': 'VARCHAR', 'contact_id': 'VARCHAR', 'type': 'VARCHAR', 'campaign_id': 'VARCHAR', 'occurred_at': 'VARCHAR'}) }}
{% if held %}
    where _batch_id not in ({{ sql_string_list(held) }})
{% endif %}
order by event_id asc, _batch_id desc
