-- depends_on: {{ source('tif', 'objects') }}
-- One row per landed TIF record version (field names come from the XML mapping).
with source as (
    select * from {{ read_landing_ndjson(landing_files('tif', 'objects.ndjson'), {
        'dc_identifier': 'VARCHAR', 'title_fr': 'VARCHAR', 'classification_code': 'VARCHAR',
        'classification_label': 'VARCHAR', 'subject_fr': 'VARCHAR', 'description_fr': 'VARCHAR',
        'publisher': 'VARCHAR', 'created': 'VARCHAR', 'modified': 'VARCHAR',
        'address_line1': 'VARCHAR', 'postal_code': 'VARCHAR', 'commune_insee': 'VARCHAR',
        'commune_name': 'VARCHAR', 'phones': 'VARCHAR[]', 'emails': 'VARCHAR[]', 'websites': 'VARCHAR[]',
        'latitude': 'VARCHAR', 'longitude': 'VARCHAR',
        'periods': 'STRUCT("start" VARCHAR, "end" VARCHAR)[]',
        'prices': 'STRUCT(label VARCHAR, "min" VARCHAR, "max" VARCHAR, standard VARCHAR)[]',
        'media': 'STRUCT(url VARCHAR, credit VARCHAR, caption VARCHAR)[]',
        'languages': 'VARCHAR[]', 'payment_modes': 'VARCHAR[]', 'services': 'VARCHAR[]',
    }) }}
)

select
    dc_identifier as tif_id,
    _batch_id as batch_id,
    classification_code,
    classification_label,
    nullif(trim(title_fr), '') as name,
    -- TIF texts may carry HTML (<br/>, <strong>): keep plain text only
    nullif(trim(regexp_replace(coalesce(description_fr, subject_fr, ''), '<[^>]*>', ' ', 'g')), '') as description,
    address_line1,
    postal_code,
    commune_insee as commune_insee_code,
    commune_name,
    phones[1] as phone,
    emails[1] as email,
    websites[1] as website,
    try_cast(longitude as double) as longitude,
    try_cast(latitude as double) as latitude,
    coalesce(len(periods), 0) as opening_period_count,
    list_sort(list_filter(
        list_transform(periods, p -> {
            'start_date': try_cast(p.start as date), 'end_date': try_cast(p."end" as date),
            'opens_at': null::time, 'closes_at': null::time, 'note': null::varchar
        }),
        p -> p.start_date is not null and p.end_date is not null
    )) as opening_periods,
    list_min(list_transform(periods, p -> try_cast(p.start as date))) as first_opening_date,
    list_max(list_transform(periods, p -> try_cast(p."end" as date))) as last_opening_date,
    list_min(list_transform(prices, p -> try_cast(coalesce(p.min, p.standard) as double))) as price_min_eur,
    coalesce(len(media), 0) as photo_count,
    media[1].url as first_photo_url,
    media[1].credit as first_photo_credit,
    publisher as owner_name,
    coalesce(payment_modes, []) as payment_method_codes,
    coalesce(languages, []) as language_codes,
    coalesce(services, []) as amenity_codes,
    -- TourInFrance's service 15.06.05 is "Animaux acceptés"; its absence says nothing
    case when list_contains(services, '15.06.05') then true end as pets_allowed,
    {{ parse_tif_date('created') }} as created_at,
    {{ parse_tif_date('modified') }} as modified_at
from source
