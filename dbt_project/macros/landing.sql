{#
  Reading the immutable landing zone (see docs/architecture.md §1).

  landing_files(source, file) lists the files named `file` of the batches that make up the
  current state of `source`: the latest full snapshot and every batch landed after it (older
  batches are superseded and never read). It runs at compile time against the manifests.
#}
{% macro landing_files(source_dir, file_name) %}
    {% if not execute %}{{ return([]) }}{% endif %}
    {% set root = env_var('T82_LANDING_DIR') ~ '/' ~ source_dir %}
    {% set has_manifests = run_query("select count(*) from glob('" ~ root ~ "/*/*/manifest.json')").columns[0].values()[0] %}
    {% if has_manifests == 0 %}{{ return([]) }}{% endif %}
    {% set query %}
        with manifests as (
            select filename, received_at, mode
            from read_json('{{ root }}/*/*/manifest.json', filename = true,
                           columns = {received_at: 'VARCHAR', mode: 'VARCHAR'})
        ),
        latest_full as (select max(received_at) as received_at from manifests where mode = 'full')
        select replace(filename, 'manifest.json', '{{ file_name }}') as path
        from manifests
        where received_at >= coalesce((select received_at from latest_full), '')
        order by received_at
    {% endset %}
    {% set paths = run_query(query).columns[0].values() %}
    {% set existing = [] %}
    {% for p in paths %}
        {% if run_query("select count(*) from glob('" ~ p ~ "')").columns[0].values()[0] > 0 %}
            {% do existing.append(p) %}
        {% endif %}
    {% endfor %}
    {{ return(existing) }}
{% endmacro %}

{#
  read_landing_ndjson(files, columns): NDJSON with an explicit partial schema (fast, low
  memory: only the fields a model needs are parsed), plus the batch id taken from the path.
  With no landed file yet it yields an empty relation of the same shape.
#}
{% macro read_landing_ndjson(files, columns, format='newline_delimited') %}
    {%- if files | length > 0 -%}
    (
        select *, regexp_extract(filename, '([^/]+)/[^/]+$', 1) as _batch_id
        from read_json(
            [{%- for f in files %}'{{ f }}'{{ ", " if not loop.last }}{% endfor -%}],
            format = '{{ format }}',
            filename = true,
            columns = { {%- for name, type in columns.items() %}"{{ name }}": '{{ type }}'{{ ", " if not loop.last }}{% endfor -%} }
        )
    )
    {%- else -%}
    (
        select {% for name, type in columns.items() %}null::{{ type }} as "{{ name }}", {% endfor -%}
            null::varchar as filename, null::varchar as _batch_id
        where false
    )
    {%- endif -%}
{% endmacro %}

{% macro read_landing_manifests(source_dir) %}
    {% set files = landing_files(source_dir, 'manifest.json') %}
    {{ return(read_landing_ndjson(files, {
        'batch_id': 'VARCHAR', 'received_at': 'TIMESTAMPTZ', 'kind': 'VARCHAR', 'mode': 'VARCHAR',
        'record_count': 'BIGINT', 'quarantined': 'BIGINT', 'payload_sha256': 'VARCHAR'}, format='auto')) }}
{% endmacro %}

{#
  read_landing_parquet(files, columns): the thin Parquet written next to raw files that need
  Python (ZIP, XLSX), with the batch id; an empty relation of the same shape when none landed.
#}
{% macro read_landing_parquet(files, columns) %}
    {%- if files | length > 0 -%}
    (
        select {% for name in columns %}"{{ name }}", {% endfor -%}
            regexp_extract(filename, '([^/]+)/[^/]+$', 1) as _batch_id
        from read_parquet(
            [{%- for f in files %}'{{ f }}'{{ ", " if not loop.last }}{% endfor -%}], filename = true)
    )
    {%- else -%}
    (
        select {% for name, type in columns.items() %}null::{{ type }} as "{{ name }}", {% endfor -%}
            null::varchar as _batch_id
        where false
    )
    {%- endif -%}
{% endmacro %}
