-- depends_on: {{ source('fluxvision', 'deliveries') }}
-- One row per Flux Vision figure, every delivery merged: a period re-issued later replaces the
-- figures it repeats (natural key below) and leaves the others alone. Labels are normalised
-- through the seeds; an unknown category or provenance is kept and flagged, never dropped.
with source as (
    select * from {{ read_landing_parquet(landing_files('fluxvision', 'parsed.parquet'), {
        'source_file': 'VARCHAR', 'line': 'BIGINT', 'family': 'VARCHAR', 'breakdown': 'VARCHAR',
        'issued_at': 'TIMESTAMP', 'zone_label': 'VARCHAR', 'day': 'DATE', 'provenance': 'VARCHAR',
        'category': 'VARCHAR', 'volume': 'BIGINT', 'origin_departement': 'VARCHAR', 'origin_region': 'VARCHAR',
        'origin_new_region': 'VARCHAR', 'origin_country': 'VARCHAR', 'age_band': 'VARCHAR', 'geolife': 'VARCHAR',
        'stay_label': 'VARCHAR', 'stay_nights': 'INTEGER', 'breakdown_key': 'VARCHAR', 'holiday_zone_a': 'BOOLEAN',
        'holiday_zone_b': 'BOOLEAN', 'holiday_zone_c': 'BOOLEAN', 'bank_holiday': 'BOOLEAN'}) }}
),

zones as (
    select distinct
        {{ label_key('zone_label') }} as zone_key,
        epci_siren
    from {{ ref('fluxvision_zone_aliases') }}
),

vocabulary as (
    select
        field,
        label_key,
        code,
        label_fr
    from {{ ref('fluxvision_vocabulary') }}
),

normalised as (
    select
        source.*,
        zones.epci_siren,
        coalesce(p.code, 'unknown:' || {{ label_key('source.provenance') }}) as provenance_code,
        coalesce(p.label_fr, source.provenance) as provenance_label,
        coalesce(c.code, 'unknown:' || {{ label_key('source.category') }}) as category_code,
        coalesce(c.label_fr, source.category) as category_label,
        p.code is not null as is_known_provenance,
        c.code is not null as is_known_category
    from source
    left join zones on zones.zone_key = {{ label_key('source.zone_label') }}
    left join vocabulary as p on p.field = 'provenance' and p.label_key = {{ label_key('source.provenance') }}
    left join vocabulary as c on c.field = 'category' and c.label_key = {{ label_key('source.category') }}
)

select
    family || coalesce('_' || breakdown, '') as table_family,
    family,
    breakdown,
    day,
    epci_siren,
    zone_label,
    provenance_code,
    provenance_label,
    category_code,
    category_label,
    is_known_provenance,
    is_known_category,
    volume,
    origin_departement,
    origin_region,
    origin_new_region,
    origin_country,
    age_band,
    geolife,
    stay_label,
    coalesce(stay_nights, try_cast(regexp_extract(stay_label, '^(\d+)', 1) as integer)) as stay_nights,
    breakdown_key,
    holiday_zone_a,
    holiday_zone_b,
    holiday_zone_c,
    bank_holiday,
    issued_at,
    _batch_id as batch_id,
    source_file,
    line
from normalised
qualify row_number() over (
        partition by
            family, breakdown, day, epci_siren, provenance_code, category_code, {{ label_key('breakdown_key') }}
        order by issued_at desc, _batch_id desc
    ) = 1
