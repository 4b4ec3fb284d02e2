{#- After every build on a DuckLake (on-run-end): snapshots older than the retention are expired
    and the Parquet files only they used are deleted at once, so the data folder holds what the
    recent snapshots need and not every night's copy. Readers still in an older snapshot keep theirs
    until the retention has passed. With var purge_history (GDPR erasure), every snapshot but the
    last goes: no earlier file may still hold an erased person. -#}
{% macro ducklake_maintenance() %}
    {%- if target.name == 'ducklake' and execute -%}
        {%- set retention = env_var('T82_DUCKLAKE_RETENTION', '7 days') -%}
        {%- if not modules.re.fullmatch('[0-9]{1,4} (second|minute|hour|day|week)s?', retention) -%}
            {{ exceptions.raise_compiler_error("T82_DUCKLAKE_RETENTION must read like '7 days', not " ~ retention) }}
        {%- endif -%}
        {%- set older_than = "now()" if var('purge_history', false) else "now() - interval '" ~ retention ~ "'" -%}
        {%- do run_query("call ducklake_expire_snapshots('" ~ target.database ~ "', older_than => " ~ older_than ~ ")") -%}
        {%- do run_query("call ducklake_cleanup_old_files('" ~ target.database ~ "', cleanup_all => true)") -%}
    {%- endif -%}
{% endmacro %}
