{{ config(schema='personal') }}
-- Personal data: each segment's members with what the e-mailing tool needs to import them.
select
    s.segment_code,
    s.segment_label,
    p.email,
    p.first_name,
    p.last_name,
    s.contact_key
from {{ ref('nurtik_segment_members') }} as s
inner join {{ ref('int_nurtik_people') }} as p using (contact_key)
