{{ config(materialized='incremental', unique_key='review_id', incremental_strategy='delete+insert') }}
-- One row per review across every landed batch: the version with aspects (an export's), else the
-- latest. Incremental on the landing batch: a night reads the batches landed since the last build
-- only, and merges them with the rows of the reviews they send again. Full refresh: the dbt
-- asset's `full_refresh` in the launchpad.
{% set held = landed_batches_in(this) if is_incremental() else [] %}
with new_versions as (
    select * from {{ ref('stg_fairguest__reviews') }}
    {% if held %}
        where batch_id not in ({{ sql_string_list(held) }})
    {% endif %}
),

candidates as (
    select * from new_versions
    {% if is_incremental() %}
        union all by name
        select * from {{ this }}
        where review_id in (select new_versions.review_id from new_versions)
    {% endif %}
)

select * from candidates
qualify row_number() over (partition by review_id order by (aspects is not null) desc, batch_id desc) = 1
