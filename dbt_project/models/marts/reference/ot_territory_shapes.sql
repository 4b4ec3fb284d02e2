-- The outline of each OT's territory: its communes' IGN shapes (seed commune_shapes_82) merged
-- by key (INSEE → EPCI → OT) and simplified for maps, as GeoJSON text (readers need no extension).
select
    territory.ot_code,
    any_value(territory.ot_name) as ot_name,
    count(*) as communes,
    st_asgeojson(st_simplifypreservetopology(st_union_agg(st_geomfromgeojson(shapes.geometry_geojson)), 0.002))
        as geometry_geojson
from {{ ref('commune_shapes_82') }} as shapes
inner join {{ ref('int_communes_located') }} as territory on shapes.insee_code = territory.insee_code
where territory.ot_code is not null
group by territory.ot_code
