{# Spelling-insensitive key of a free-text label: no accents, no case, punctuation as spaces.
   Same rule as t82_pipeline.defs.fluxvision.parsing.label_key (used to check zones at landing). #}
{% macro label_key(expression) -%}
    trim(regexp_replace(lower(strip_accents({{ expression }})), '[^a-z0-9]+', ' ', 'g'))
{%- endmacro %}
