{{ config(materialized='incremental', unique_key='apidae_id', incremental_strategy='delete+insert') }}
-- One row per Apidae object since the last full snapshot: its latest version, and `deleted_at`
-- when a later export deleted it. Incremental on the landing batch: a night reads only the
-- batches this table does not hold and merges them with the rows of the objects they touch. A new
-- full snapshot replaces the state: the objects it lacks are marked deleted. Export objects carry
-- only a commune id: the INSEE code comes from the export's communes. Full refresh: the dbt
-- asset's `full_refresh` in the launchpad.
{% set held = landed_batches_in(this, ['batch_id', 'deleted_in_batch_id']) if is_incremental() else [] %}
{% set replaced = is_incremental() and full_batch_landed_since(['apidae'], held) %}
{% set merging = is_incremental() and not replaced %}
with new_batches as (
    select
        batch_id,
        received_at
    from {{ ref('stg_apidae__batches') }}
    {% if merging and held %}
        where batch_id not in ({{ sql_string_list(held) }})
    {% endif %}
),

new_versions as (
    select
        apidae_objects.*,
        new_batches.received_at
    from {{ ref('stg_apidae__objects') }} as apidae_objects
    inner join new_batches using (batch_id)
    {% if merging and held %}
        -- on the staging view itself, so DuckDB opens only the new batches' files
        where apidae_objects.batch_id not in ({{ sql_string_list(held) }})
    {% endif %}
),

new_deletions as (
    select
        deletions.apidae_id,
        max(new_batches.received_at) as deleted_at,
        arg_max(deletions.batch_id, new_batches.received_at) as deleted_in_batch_id
    from {{ ref('stg_apidae__deletions') }} as deletions
    inner join new_batches using (batch_id)
    {% if merging and held %}
        where deletions.batch_id not in ({{ sql_string_list(held) }})
    {% endif %}
    group by 1
),

held_rows as (
    {% if merging %}
        select * from {{ this }}
        where
            apidae_id in (select new_versions.apidae_id from new_versions)
            or apidae_id in (select new_deletions.apidae_id from new_deletions)
    {% else %}
        select
            *,
            null::timestamptz as deleted_at,
            null::varchar as deleted_in_batch_id
        from new_versions
        where false
    {% endif %}
),

versions as (
    select * exclude (deleted_at, deleted_in_batch_id) from held_rows
    union all by name
    select * from new_versions
),

latest as (
    select *
    from versions
    qualify row_number() over (
            partition by apidae_id order by modified_at desc nulls last, received_at desc
        ) = 1
),

deletions as (
    {% if merging %}
        select
            apidae_id,
            deleted_at,
            deleted_in_batch_id
        from held_rows
        where deleted_at is not null
        union all
    {% endif %}
    select * from new_deletions
),

last_deletion as (
    select
        apidae_id,
        max(deleted_at) as deleted_at,
        arg_max(deleted_in_batch_id, deleted_at) as deleted_in_batch_id
    from deletions
    group by 1
),

communes as (
    select
        apidae_commune_id,
        any_value(commune_insee_code) as commune_insee_code
    from {{ ref('stg_apidae__communes') }}
    group by 1
),

merged as (
    select
        latest.* exclude (commune_insee_code),
        coalesce(latest.commune_insee_code, communes.commune_insee_code) as commune_insee_code,
        -- a deletion counts when no later batch brought the object back
        case when last_deletion.deleted_at >= latest.received_at then last_deletion.deleted_at end as deleted_at,
        case
            when last_deletion.deleted_at >= latest.received_at then last_deletion.deleted_in_batch_id
        end as deleted_in_batch_id
    from latest
    left join last_deletion
        on latest.apidae_id = last_deletion.apidae_id
    left join communes
        on latest.apidae_commune_id = communes.apidae_commune_id
)

select * from merged
{% if replaced %}
    -- the objects held that the new snapshot lacks: deleted by it
    union all by name
    select
        held.* replace (
            snapshot.received_at as deleted_at,
            snapshot.batch_id as deleted_in_batch_id
        )
    from {{ this }} as held
    cross join (
        select batch_id, received_at from {{ ref('stg_apidae__batches') }}
        where batch_mode = 'full'
        order by received_at desc
        limit 1
    ) as snapshot
    where held.deleted_at is null and held.apidae_id not in (select merged.apidae_id from merged)
{% endif %}
