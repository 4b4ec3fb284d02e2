{# The date figures are computed for: the var `as_of_date` (tests, backfills) or today. #}
{% macro as_of_date() -%}
    {{ "cast('" ~ var('as_of_date') ~ "' as date)" if var('as_of_date') else 'current_date' }}
{%- endmacro %}
