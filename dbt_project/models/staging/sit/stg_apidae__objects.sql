-- depends_on: {{ source('apidae', 'objects') }} {{ source('apidae', 'export_objects') }}
-- One row per landed object version, API and export shapes alike. Only the fields the
-- platform uses are parsed (explicit schema): see docs/architecture.md §1 and benchmarks/.
{% set comm = "STRUCT(type STRUCT(id BIGINT), coordonnees STRUCT(fr VARCHAR), coordonnee VARCHAR)[]" %}
{% set libelle = "STRUCT(libelleFr VARCHAR)" %}
with source as (
    select * from {{ read_landing_ndjson(landing_files('apidae', 'objects.ndjson'), {
        'id': 'BIGINT',
        'type': 'VARCHAR',
        'identifier': 'VARCHAR',
        'state': 'VARCHAR',
        'nom': libelle,
        'gestion': 'STRUCT(dateCreation VARCHAR, dateModification VARCHAR, membreProprietaire STRUCT(id BIGINT, nom VARCHAR))',
        'informations': 'STRUCT(moyensCommunication ' ~ comm ~ ')',
        'presentation': 'STRUCT(descriptifCourt ' ~ libelle ~ ', descriptifDetaille ' ~ libelle ~ ')',
        'localisation': 'STRUCT(adresse STRUCT(adresse1 VARCHAR, codePostal VARCHAR, commune STRUCT(id BIGINT, code VARCHAR, nom VARCHAR)), geolocalisation STRUCT(valide BOOLEAN, geoJson STRUCT(coordinates DOUBLE[])))',
        'ouverture': 'JSON',
        'descriptionTarif': 'JSON',
        'prestations': 'JSON',
        'illustrations': 'STRUCT(type VARCHAR, copyright ' ~ libelle ~ ', traductionFichiers STRUCT(url VARCHAR)[])[]',
    }) }}
),

renamed as (
    select
        -- ids
        id as apidae_id,
        identifier as apidae_identifier,
        _batch_id as batch_id,
        type as apidae_type,
        state as publication_state,

        -- text
        nullif(trim(nom.libelleFr), '') as name,
        nullif(trim(presentation.descriptifCourt.libelleFr), '') as description_short,
        nullif(trim(presentation.descriptifDetaille.libelleFr), '') as description_long,

        -- territory
        localisation.adresse.adresse1 as address_line1,
        localisation.adresse.codePostal as postal_code,
        localisation.adresse.commune.id as apidae_commune_id,
        localisation.adresse.commune.code as commune_insee_code,
        localisation.adresse.commune.nom as commune_name,
        localisation.geolocalisation.geoJson.coordinates[1] as raw_x,
        localisation.geolocalisation.geoJson.coordinates[2] as raw_y,
        coalesce(localisation.geolocalisation.valide, true) as geolocation_flagged_valid,

        -- contacts: first phone / e-mail / web site (Apidae MoyenCommunicationType 201/204/205)
        list_filter(informations.moyensCommunication, m -> m.type.id = 201)[1] as _phone,
        list_filter(informations.moyensCommunication, m -> m.type.id = 204)[1] as _email,
        list_filter(informations.moyensCommunication, m -> m.type.id = 205)[1] as _web,

        -- opening, prices and services: read as JSON, so a field of an unexpected shape is empty,
        -- never a failed build (the checked fields of landing are id and dates only)
        nullif(trim(ouverture ->> '$.periodeEnClair.libelleFr'), '') as opening_text,
        list_transform(
            json_extract(ouverture, '$.periodesOuvertures[*]'),
            p -> {
                'start_date': try_cast(p ->> 'dateDebut' as date),
                'end_date': try_cast(p ->> 'dateFin' as date),
                'opens_at': try_cast(p ->> 'horaireOuverture' as time),
                'closes_at': try_cast(p ->> 'horaireFermeture' as time),
                'note': nullif(trim(p -> 'complementHoraire' ->> 'libelleFr'), '')
            }
        ) as _periods,
        try_cast(descriptionTarif ->> '$.gratuit' as boolean) as is_free,
        nullif(trim(descriptionTarif ->> '$.tarifsEnClair.libelleFr'), '') as price_text,
        list_min(list_transform(
            json_extract_string(descriptionTarif, '$.periodes[*].tarifs[*].minimum'), m -> try_cast(m as double)
        )) as price_min_eur,
        json_extract_string(descriptionTarif, '$.modesPaiement[*].id') as payment_method_codes,
        json_extract_string(prestations, '$.languesParlees[*].id') as language_codes,
        list_concat(
            json_extract_string(prestations, '$.equipements[*].id'),
            json_extract_string(prestations, '$.conforts[*].id'),
            json_extract_string(prestations, '$.services[*].id')
        ) as amenity_codes,
        case prestations ->> '$.animauxAcceptes' when 'ACCEPTES' then true when 'NON_ACCEPTES' then false end
            as pets_allowed,

        -- media
        coalesce(len(list_filter(illustrations, i -> i.type = 'IMAGE')), 0) as photo_count,
        list_filter(illustrations, i -> i.type = 'IMAGE')[1].traductionFichiers[1].url as first_photo_url,
        list_filter(illustrations, i -> i.type = 'IMAGE')[1].copyright.libelleFr as first_photo_credit,

        -- ownership and timestamps (Apidae: 2018-11-06T11:03:21.304+0000)
        gestion.membreProprietaire.id as owner_member_id,
        gestion.membreProprietaire.nom as owner_name,
        strptime(gestion.dateCreation, '%Y-%m-%dT%H:%M:%S.%g%z') as created_at,
        strptime(gestion.dateModification, '%Y-%m-%dT%H:%M:%S.%g%z') as modified_at
    from source
)

select
    * exclude (_phone, _email, _web, _periods),
    -- dated periods only, in date order
    list_sort(list_filter(_periods, p -> p.start_date is not null and p.end_date is not null)) as opening_periods,
    coalesce(len(_periods), 0) as opening_period_count,
    list_min(list_transform(_periods, p -> p.start_date)) as first_opening_date,
    list_max(list_transform(_periods, p -> p.end_date)) as last_opening_date,
    coalesce(_phone.coordonnees.fr, _phone.coordonnee) as phone,
    coalesce(_email.coordonnees.fr, _email.coordonnee) as email,
    coalesce(_web.coordonnees.fr, _web.coordonnee) as website
from renamed
