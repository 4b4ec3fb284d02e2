-- Coverage of our publishable records in DATAtourisme (latest download): absent, present,
-- stale (DATAtourisme holds an older version) or duplicated (there more than once), and whether
-- Apidae's own connector already publishes the record (then our feed must not publish it again).
with ours as (
    select * from {{ ref('opendata_offers') }}
    where held_back_reason is null
),

theirs as (
    select
        *,
        regexp_replace(lower(strip_accents(label_fr)), '[^a-z0-9]', '', 'g') as name_key
    from {{ ref('stg_datatourisme__objects') }}
),

-- By identifier first; by name and commune only for a record no identifier matched (two places of
-- one name in a commune are two places, not one held twice).
by_identifier as (
    select
        ours.offer_key,
        theirs.*
    from ours
    inner join theirs
        on (ours.source = 'apidae' and ours.source_id = theirs.datatourisme_identifier)
            or ours.offer_key = theirs.datatourisme_identifier
),

by_name as (
    select
        ours.offer_key,
        theirs.*
    from ours
    inner join theirs
        on ours.insee_code = theirs.insee_code
            and theirs.name_key = regexp_replace(lower(strip_accents(ours.name)), '[^a-z0-9]', '', 'g')
    where ours.offer_key not in (select by_identifier.offer_key from by_identifier)
),

matches as (
    select * from by_identifier
    union all
    select * from by_name
),

per_record as (
    select
        offer_key,
        count(*) as datatourisme_copies,
        max(last_update) as datatourisme_last_update,
        bool_or(is_from_apidae_connector) as published_by_apidae_connector,
        string_agg(datatourisme_uri, ' ' order by datatourisme_uri) as datatourisme_uris
    from matches
    group by 1
)

select
    ours.offer_key,
    ours.ot_code,
    ours.name,
    ours.last_update,
    coalesce(per_record.datatourisme_copies, 0) as datatourisme_copies,
    per_record.datatourisme_last_update,
    per_record.datatourisme_uris,
    coalesce(per_record.published_by_apidae_connector, false) as published_by_apidae_connector,
    case
        when per_record.offer_key is null then 'absent'
        when per_record.datatourisme_copies > 1 then 'duplicated'
        when per_record.datatourisme_last_update < ours.last_update then 'stale'
        else 'present'
    end as coverage_status
from ours
left join per_record using (offer_key)
