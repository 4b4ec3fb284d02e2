{{ config(materialized="table") }}
-- Whether each located offer's point lies inside the commune it declares (IGN shapes, seed
-- commune_shapes_82), in DuckDB spatial. A table: readers of later models need no extension.
-- The shapes are simplified (about 1 m of precision lost per vertex, more along long edges), so a
-- point up to ~150 m outside its commune's outline still counts as inside.
with communes as (
    select
        insee_code,
        st_geomfromgeojson(geometry_geojson) as shape
    from {{ ref('commune_shapes_82') }}
)

select
    located.*,
    case
        when located.coordinates_status <> 'ok' or communes.shape is null then null
        else st_dwithin(communes.shape, st_point(located.longitude, located.latitude), 0.0015)
    end as is_in_declared_commune
from {{ ref('int_offers_located') }} as located
left join communes on located.commune_insee_code = communes.insee_code
