{#
  landed_batches_in(relation): the landing batches an incremental model already holds (its
  batch_id column), for its next run to read only the others. Batch ids are written by the
  landing zone; each is quoted as a SQL literal all the same.
#}
{% macro landed_batches_in(relation) %}
    {% if not execute %}{{ return([]) }}{% endif %}
    {% set rows = run_query("select distinct batch_id from " ~ relation ~ " where batch_id is not null order by 1") %}
    {{ return(rows.columns[0].values() | list) }}
{% endmacro %}

{% macro sql_string_list(values) %}
    {%- for value in values -%}
        '{{ value | replace("'", "''") }}'{{ ", " if not loop.last }}
    {%- endfor -%}
{% endmacro %}
