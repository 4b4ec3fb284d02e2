{{ config(
    materialized='incremental', schema='personal', unique_key='contact_id', incremental_strategy='delete+insert',
    pre_hook="{% if is_incremental() and full_batch_landed_since(['nurtik_contacts', 'nurtik_exports'], landed_batches_in(this)) %}delete from {{ this }}{% endif %}"
) }}
-- depends_on: {{ source('nurtik', 'api') }} {{ source('nurtik', 'exports') }}
-- Personal data (schema `personal`): the latest version of each Nurtik contact, from the API and
-- the back-office exports, with its pseudonymous key. contact_key() is a keyed hash computed in
-- Python (lib/dbt_udfs.py): the secret never appears in SQL. Incremental on the landing batch: a
-- night reads (and hashes) only the batches this table does not hold. A new full pull replaces
-- the table (the pre-hook empties it: contacts deleted in Nurtik leave, never kept as a row); the
-- GDPR jobs, which rewrite the landing and the suppression list, rebuild it whole.
{% set held = landed_batches_in(this) if is_incremental() else [] %}
{% set merging = is_incremental() and not full_batch_landed_since(['nurtik_contacts', 'nurtik_exports'], held) %}
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

new_versions as (
    select * from landed
    {% if merging and held %}
        where _batch_id not in ({{ sql_string_list(held) }})
    {% endif %}
),

latest as (
    select *
    from new_versions
    qualify row_number() over (partition by contact_id order by updated_at desc, _batch_id desc) = 1
),

keyed as (
    select
        contact_id,
        contact_key(email) as contact_key,
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
    from latest
),

candidates as (
    select * from keyed
    {% if merging %}
        -- the version held stays where tonight's is older (an old export landed late)
        union all by name
        select * from {{ this }}
        where contact_id in (select keyed.contact_id from keyed)
    {% endif %}
)

select * from candidates
where contact_key not in (select suppressed.contact_key from {{ ref('stg_nurtik__suppressions') }} as suppressed)
qualify row_number() over (partition by contact_id order by updated_at desc, batch_id desc) = 1
