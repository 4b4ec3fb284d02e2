{{ config(materialized='table', schema='personal') }}
-- Personal data: one row per person (contact key). The same address registered twice under two
-- Nurtik ids is one person; fields completed in a requalification answer take precedence.
with contacts as (
    select * from {{ ref('stg_nurtik__contacts') }}
),

latest_update as (
    select * from {{ ref('stg_nurtik__requalification_answers') }}
    where answer = 'update'
    qualify row_number() over (partition by contact_key order by answered_at desc) = 1
),

people as (
    select
        contact_key,
        arg_max(email, updated_at) as email,
        -- a name field holding an e-mail is not a name
        arg_max(first_name, updated_at) filter (where first_name is not null and first_name not like '%@%')
            as first_name,
        arg_max(last_name, updated_at) filter (where last_name is not null and last_name not like '%@%') as last_name,
        bool_or(first_name like '%@%' or last_name like '%@%') as email_in_name,
        arg_max(phone, updated_at) filter (where phone is not null) as phone,
        arg_max(postcode, updated_at) filter (where postcode is not null) as postcode,
        arg_max(country_iso2, updated_at) filter (where country_iso2 is not null) as country_iso2,
        min(created_at) as created_at,
        max(updated_at) as updated_at,
        arg_max(global_status, updated_at) as global_status,
        count(*) as contact_ids,
        list(contact_id order by contact_id) as nurtik_ids,
        flatten(list(interests)) as interests
    from contacts
    group by contact_key
)

select
    p.contact_key,
    p.email,
    coalesce(u.first_name, p.first_name) as first_name,
    p.last_name,
    p.email_in_name,
    p.phone,
    coalesce(u.postcode, p.postcode) as postcode,
    coalesce(u.country_iso2, p.country_iso2) as country_iso2,
    p.created_at,
    p.updated_at,
    p.global_status,
    p.contact_ids,
    p.nurtik_ids,
    list_distinct(
        list_concat(
            [i.interest_code for i in p.interests if i.interest_code is not null], coalesce(u.interest_codes, [])
        )
    ) as interest_codes
from people as p
left join latest_update as u using (contact_key)
