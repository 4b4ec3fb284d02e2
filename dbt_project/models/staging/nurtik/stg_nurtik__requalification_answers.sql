{{ config(materialized='table', schema='personal') }}
-- depends_on: {{ source('nurtik', 'exports') }}
-- Personal data: answers to the requalification campaign (confirm, update with completed
-- fields, decline), keyed like contacts.
with landed as (
    select * from {{ read_landing_ndjson(landing_files('nurtik_exports', 'answers.ndjson'), {
        'email': 'VARCHAR', 'answer': 'VARCHAR', 'prenom': 'VARCHAR', 'code_postal': 'VARCHAR', 'pays': 'VARCHAR',
        'centres_interet': 'VARCHAR', 'date_reponse': 'VARCHAR'}) }}
),

keyed as (
    select
        *,
        contact_key(email) as contact_key
    from landed
)

select
    contact_key,
    answer,
    nullif(trim(prenom), '') as first_name,
    nullif(trim(code_postal), '') as postcode,
    nullif(trim(pays), '') as country_iso2,
    list_filter(string_split(coalesce(centres_interet, ''), '|'), x -> x <> '') as interest_codes,
    cast(date_reponse as timestamptz) as answered_at,
    _batch_id as batch_id
from keyed
where contact_key not in (select suppressed.contact_key from {{ ref('stg_nurtik__suppressions') }} as suppressed)
