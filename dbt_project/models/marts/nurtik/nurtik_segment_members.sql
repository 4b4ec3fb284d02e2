{{ config(schema='grc') }}
-- Consent-aware newsletter segments: only people whose current newsletter consent by e-mail is
-- confirmed, with a deliverable address, an active status and an unexpired retention period.
with eligible as (
    select l.*
    from {{ ref('int_nurtik_people_located') }} as l
    inner join {{ ref('nurtik_current_consents') }} as c
        on l.contact_key = c.contact_key and c.purpose = 'newsletter' and c.channel = 'email' and c.status = 'confirmed'
    inner join
        {{ ref('nurtik_contact_quality') }} as q
        on l.contact_key = q.contact_key and not q.invalid_email and not q.disposable_email
    inner join {{ ref('nurtik_contact_retention') }} as r on l.contact_key = r.contact_key and not r.is_expired
    inner join {{ ref('int_nurtik_people') }} as p on l.contact_key = p.contact_key and p.global_status = 'active'
),

engagement as (
    select
        p.contact_key,
        max(e.occurred_at) as last_engaged_at
    from {{ ref('int_nurtik_people') }} as p, unnest(p.nurtik_ids) as t (contact_id)
    inner join {{ ref('stg_nurtik__events') }} as e on t.contact_id = e.contact_id
    where e.event_type in ('open', 'click', 'form_submit', 'booking')
    group by p.contact_key
)

select
    contact_key,
    'interet_' || interest as segment_code,
    'Intérêt : ' || interest as segment_label
from eligible, unnest(interest_codes) as t (interest)
union all
select
    contact_key,
    'origine_' || origin_area as segment_code,
    'Origine : ' || origin_area as segment_label
from eligible
where origin_area not in ('etranger', 'inconnue')
union all
select
    contact_key,
    'origine_etranger_' || lower(origin_country) as segment_code,
    'Origine : ' || origin_country as segment_label
from eligible
where origin_area = 'etranger'
union all
select
    contact_key,
    'agenda_proximite' as segment_code,
    'Agenda des événements (82, voisins, aire toulousaine)' as segment_label
from eligible
where origin_area in ('departement_82', 'departements_voisins', 'aire_toulousaine')
union all
select
    e.contact_key,
    case
        when g.last_engaged_at >= {{ as_of_date() }} - interval 365 day then 'engages_12_mois'
        else 'inactifs_12_mois'
    end as segment_code,
    case
        when g.last_engaged_at >= {{ as_of_date() }} - interval 365 day then 'Actifs sur 12 mois'
        else 'Inactifs depuis 12 mois'
    end as segment_label
from eligible as e left join engagement as g using (contact_key)
