-- depends_on: {{ source('fairguest', 'api') }}
-- Establishments of the latest snapshot; report contact fields stay for the reports only.
select
    sheet_id,
    nullif(trim(name), '') as establishment_name,
    nullif(trim(sit_id), '') as sit_offer_key,
    commune_insee as insee_code,
    nullif(trim(contact_email), '') as contact_email,
    coalesce(report_opt_out, false) as report_opt_out
from {{ read_landing_ndjson(landing_files('fairguest_establishments', 'establishments.ndjson'), {
    'sheet_id': 'BIGINT', 'name': 'VARCHAR', 'sit_id': 'VARCHAR', 'commune_insee': 'VARCHAR',
    'contact_email': 'VARCHAR', 'report_opt_out': 'BOOLEAN'}) }}
qualify row_number() over (partition by sheet_id order by _batch_id desc) = 1
