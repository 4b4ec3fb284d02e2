-- A commune's INSEE code: five characters, the département first (two digits, or 2A/2B for
-- Corsica; overseas ones start with 97). Records of neighbouring départements keep their own
-- commune, so this checks the format where a relationship to communes_82 cannot hold.
{% test insee_commune_code(model, column_name) %}
    select {{ column_name }} as invalid_code
    from {{ model }}
    where
        {{ column_name }} is not null
        and not regexp_full_match({{ column_name }}, '([0-9]{2}|2[AB])[0-9]{3}')
{% endtest %}
