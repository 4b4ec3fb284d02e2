-- Territory and geolocation of each offer: commune INSEE code → EPCI SIREN → ot_code through
-- int_communes_located, and coordinates checked for lon/lat order against the département's box.
{% set b = var('bbox_82') %}
with offers as (
    select * from {{ ref('int_offers_unioned') }}
),

checked as (
    select
        *,
        case
            when longitude_raw is null or latitude_raw is null then 'missing'
            when longitude_raw between {{ b.lon_min }} and {{ b.lon_max }}
                and latitude_raw between {{ b.lat_min }} and {{ b.lat_max }} then 'ok'
            when latitude_raw between {{ b.lon_min }} and {{ b.lon_max }}
                and longitude_raw between {{ b.lat_min }} and {{ b.lat_max }} then 'swapped'
            -- records of other départements (real samples, neighbours' records)
            when longitude_raw between -5.5 and 10 and latitude_raw between 41 and 51.5 then 'outside_82'
            when latitude_raw between -5.5 and 10 and longitude_raw between 41 and 51.5 then 'swapped'
            else 'invalid'
        end as coordinates_status
    from offers
)

select
    checked.* exclude (longitude_raw, latitude_raw),  -- noqa: RF02
    case
        when checked.coordinates_status = 'swapped' then checked.latitude_raw
        when checked.coordinates_status in ('ok', 'outside_82') then checked.longitude_raw
    end as longitude,
    case
        when checked.coordinates_status = 'swapped' then checked.longitude_raw
        when checked.coordinates_status in ('ok', 'outside_82') then checked.latitude_raw
    end as latitude,
    territory.commune_name,
    territory.epci_siren,
    territory.ot_code,
    territory.insee_code is not null as is_in_territory
from checked
left join {{ ref('int_communes_located') }} as territory
    on checked.commune_insee_code = territory.insee_code
