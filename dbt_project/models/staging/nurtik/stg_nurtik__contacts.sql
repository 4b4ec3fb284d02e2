{{ config(materialized='table', schema='personal') }}
-- depends_on: {{ source('nurtik', 'api') }} {{ source('nurtik', 'exports') }}
-- Personal data (schema `personal`): the latest version of each Nurtik contact, from the API and
-- the back-office exports, with its pseudonymous key. contact_key() is a keyed hash computed in
-- Python (lib/dbt_udfs.py): the secret never appears in SQL.
{% set columns = {
    'contact_id': 'VARCHAR', 'email': 'VARCHAR', 'first_name': 'VARCHAR', 'last_name': 'VARCHAR', 'phone': 'VARCHAR',
    'postcode': 'VARCHAR', 'country_iso2': 'VARCHAR', 'lang': 'VARCHAR', 'created_at': 'VARCHAR', 'updated_at': 'VARCHAR',
    'source': 'VARCHAR', 'global_status': 'VARCHAR',
    'consents': 'STRUCT(purpose VARCHAR, channel VARCHAR, status VARCHAR, optin_method VARCHAR, collected_at VARCHAR, confirmed_at VARCHAR, ip VARCHAR, form_id VARCHAR, wording_version VARCHAR)[]',
    'interests': 'STRUCT(interest_code VARCHAR, source VARCHAR, set_at VARCHAR)[]'} %}
with landed as (
    select * from {{ read_landing_ndjson(landing_files('nurtik_contacts', 'contacts.ndjson'), columns) }}
    union all
    select * from {{ read_landing_ndjson(landing_files('nurtik_exports', 'contacts.ndjson'), columns) }}
),

latest as (
    select *
    from landed
    qualify row_number() over (partition by contact_id order by updated_at desc, _batch_id desc) = 1
),

keyed as (
    select
        *,
        contact_key(email) as contact_key
    from latest
)

select
    contact_id,
    contact_key,
    lower(trim(email)) as email,
    nullif(trim(first_name), '') as first_name,
    nullif(trim(last_name), '') as last_name,
    nullif(trim(phone), '') as phone,
    nullif(trim(postcode), '') as postcode,
    nullif(trim(country_iso2), '') as country_iso2,
    lang,
    cast(created_at as timestamptz) as created_at,
    cast(updated_at as timestamptz) as updated_at,
    source,
    global_status,
    consents,
    interests,
    _batch_id as batch_id
from keyed
where contact_key not in (select suppressed.contact_key from {{ ref('stg_nurtik__suppressions') }} as suppressed)
