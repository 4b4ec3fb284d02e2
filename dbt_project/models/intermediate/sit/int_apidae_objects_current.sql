-- Current state of each Apidae object: its latest version among the batches since the last
-- full snapshot (landing_files only reads those), minus ids deleted after that version.
-- Export objects carry only a commune id: the INSEE code comes from the export's communes.
with versions as (
    select
        apidae_objects.*,
        batches.received_at
    from {{ ref('stg_apidae__objects') }} as apidae_objects
    inner join {{ ref('stg_apidae__batches') }} as batches using (batch_id)
),

latest as (
    select *
    from versions
    qualify row_number() over (
            partition by apidae_id order by modified_at desc nulls last, received_at desc
        ) = 1
),

deletions as (
    select
        deletions.apidae_id,
        max(batches.received_at) as deleted_at
    from {{ ref('stg_apidae__deletions') }} as deletions
    inner join {{ ref('stg_apidae__batches') }} as batches using (batch_id)
    group by 1
),

communes as (
    select
        apidae_commune_id,
        any_value(commune_insee_code) as commune_insee_code
    from {{ ref('stg_apidae__communes') }}
    group by 1
)

select
    latest.* exclude (commune_insee_code),
    coalesce(latest.commune_insee_code, communes.commune_insee_code) as commune_insee_code
from latest
left join deletions
    on latest.apidae_id = deletions.apidae_id and latest.received_at <= deletions.deleted_at
left join communes
    on latest.apidae_commune_id = communes.apidae_commune_id
where deletions.apidae_id is null
