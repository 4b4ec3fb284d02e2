{# TIF exports write dates as yy-mm-dd (Caravelis sample), yyyy-mm-dd or dd/mm/yyyy. #}
{% macro parse_tif_date(column) %}
    case
        when regexp_matches({{ column }}, '^\d{2}-\d{2}-\d{2}$') then try_strptime({{ column }}, '%y-%m-%d')
        when regexp_matches({{ column }}, '^\d{2}/\d{2}/\d{4}$') then try_strptime({{ column }}, '%d/%m/%Y')
        else try_cast(left({{ column }}, 19) as timestamp)
    end
{% endmacro %}
