-- The unified offers model: one row per SIT record (Apidae or XML), typed in one vocabulary,
-- located in the territory, with probable cross-source duplicates flagged.
with typed as (
    select
        *,
        regexp_replace(lower(strip_accents(name)), '[^a-z0-9]', '', 'g') as _name_key
    from {{ ref('int_offers_typed') }}
),

-- A record keyed in both tools during the migration: same normalised name, same commune.
apidae_keys as (
    select
        _name_key,
        commune_insee_code,
        min(source_id) as apidae_source_id
    from typed
    where source = 'apidae'
    group by 1, 2
)

select
    typed.offer_key,
    typed.source,
    typed.source_id,
    typed.source_type,
    typed.offer_type,
    labels.offer_type_label,
    typed.name,
    typed.description,
    typed.address_line1,
    typed.postal_code,
    typed.commune_insee_code as insee_code,
    typed.commune_name,
    typed.epci_siren,
    typed.ot_code,
    typed.is_in_territory,
    typed.longitude,
    typed.latitude,
    typed.coordinates_status,
    typed.is_in_declared_commune,
    typed.phone,
    typed.email,
    typed.website,
    typed.opening_text,
    typed.opening_period_count,
    typed.first_opening_date,
    typed.last_opening_date,
    typed.is_free,
    typed.price_text,
    typed.price_min_eur,
    typed.photo_count,
    typed.first_photo_url,
    typed.first_photo_credit,
    typed.owner_name,
    typed.publication_state,
    typed.last_modified_at,
    case when typed.source = 'tif' and apidae_keys.apidae_source_id is not null
            then 'apidae:' || apidae_keys.apidae_source_id
    end as duplicate_of_offer_key
from typed
left join {{ ref('offer_type_labels') }} as labels using (offer_type)
-- Keys only in the join (the CASE above keeps XML records): a condition on one side alone makes
-- DuckDB fall back to a nested-loop join, 25 s at regional scale instead of well under one.
left join apidae_keys
    on typed._name_key = apidae_keys._name_key
        and typed.commune_insee_code = apidae_keys.commune_insee_code
