{#
  landed_batches_in(relation, columns): the landing batches an incremental model already holds
  (in its batch id columns), for its next run to read only the others. Batch ids are written by
  the landing zone; each is quoted as a SQL literal all the same.
#}
{% macro landed_batches_in(relation, columns=['batch_id']) %}
    {% if not execute %}{{ return([]) }}{% endif %}
    {% set selects = [] %}
    {% for column in columns %}
        {% do selects.append("select " ~ column ~ " as batch_id from " ~ relation ~ " where " ~ column ~ " is not null") %}
    {% endfor %}
    {% set rows = run_query("select distinct batch_id from (" ~ selects | join(" union all ") ~ ") order by 1") %}
    {{ return(rows.columns[0].values() | list) }}
{% endmacro %}

{#
  full_batch_landed_since(source_dirs, held): whether a full snapshot or pull of one of these
  landing sources landed in a batch the model does not hold yet: it then replaces the state
  instead of merging into it (the records the full batch lacks are gone at the source).
#}
{% macro full_batch_landed_since(source_dirs, held) %}
    {% if not execute %}{{ return(false) }}{% endif %}
    {% for source_dir in source_dirs %}
        {% set query %}
            select count(*) from {{ read_landing_manifests(source_dir) }} as manifests
            where manifests.mode = 'full'
            {% if held %}and manifests.batch_id not in ({{ sql_string_list(held) }}){% endif %}
        {% endset %}
        {% if run_query(query).columns[0].values()[0] > 0 %}{{ return(true) }}{% endif %}
    {% endfor %}
    {{ return(false) }}
{% endmacro %}

{% macro sql_string_list(values) %}
    {%- for value in values -%}
        '{{ value | replace("'", "''") }}'{{ ", " if not loop.last }}
    {%- endfor -%}
{% endmacro %}
