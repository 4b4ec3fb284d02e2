{#
  The Flux Vision KPI definitions, in one place: those of the Flux Vision observatories. A tourism
  total counts visitors from outside the département: French non-residents (provenance NonLocal,
  code non_local) and foreign visitors (Etranger, code foreign). Residents of the département
  (Local, code local) are a figure of their own, never part of a tourism total. Each macro is a
  condition on fluxvision_daily_presences, for `sum(...) filter (where ...)`.
#}
{% macro fv_from_outside() %}provenance_code in ('non_local', 'foreign'){% endmacro %}

{% macro fv_tourists() %}category_code = 'tourist' and {{ fv_from_outside() }}{% endmacro %}
{% macro fv_tourists_french() %}category_code = 'tourist' and provenance_code = 'non_local'{% endmacro %}
{% macro fv_tourists_foreign() %}category_code = 'tourist' and provenance_code = 'foreign'{% endmacro %}
{% macro fv_tourists_local() %}category_code = 'tourist' and provenance_code = 'local'{% endmacro %}

{% macro fv_day_tripper_categories() %}category_code in ('day_tripper', 'recurrent_day_tripper'){% endmacro %}
{% macro fv_day_trippers() %}{{ fv_day_tripper_categories() }} and {{ fv_from_outside() }}{% endmacro %}
{% macro fv_day_trippers_foreign() %}{{ fv_day_tripper_categories() }} and provenance_code = 'foreign'{% endmacro %}
{% macro fv_day_trippers_local() %}{{ fv_day_tripper_categories() }} and provenance_code = 'local'{% endmacro %}

{# Visitors present in the daytime (busiest days): tourists and day-trippers from outside. #}
{% macro fv_visitors() %}(category_code = 'tourist' or {{ fv_day_tripper_categories() }}) and {{ fv_from_outside() }}{% endmacro %}
