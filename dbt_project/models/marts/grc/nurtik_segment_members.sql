{{ config(schema='grc') }}
-- Consent-aware newsletter segments: only people whose current newsletter consent by e-mail is
-- confirmed, with a deliverable address, an active status and an unexpired retention period.
with eligible as (
    select l.*
    from {{ ref('int_nurtik_people_located') }} l
    join {{ ref('nurtik_current_consents') }} c
        on c.contact_key = l.contact_key and c.purpose = 'newsletter' and c.channel = 'email' and c.status = 'confirmed'
    join {{ ref('nurtik_contact_quality') }} q on q.contact_key = l.contact_key and not q.invalid_email and not q.disposable_email
    join {{ ref('nurtik_contact_retention') }} r on r.contact_key = l.contact_key and not r.is_expired
    join {{ ref('int_nurtik_people') }} p on p.contact_key = l.contact_key and p.global_status = 'active'
),

engagement as (
    select p.contact_key, max(e.occurred_at) as last_engaged_at
    from {{ ref('int_nurtik_people') }} p, unnest(p.nurtik_ids) as t(contact_id)
    join {{ ref('stg_nurtik__events') }} e on e.contact_id = t.contact_id
    where e.event_type in ('open', 'click', 'form_submit', 'booking')
    group by p.contact_key
)

select contact_key, 'interet_' || interest as segment_code, 'Intérêt : ' || interest as segment_label
from eligible, unnest(interest_codes) as t(interest)
union all
select contact_key, 'origine_' || origin_area, 'Origine : ' || origin_area from eligible where origin_area not in ('etranger', 'inconnue')
union all
select contact_key, 'origine_etranger_' || lower(origin_country), 'Origine : ' || origin_country from eligible where origin_area = 'etranger'
union all
select contact_key, 'agenda_proximite', 'Agenda des événements (82, voisins, aire toulousaine)'
from eligible where origin_area in ('departement_82', 'departements_voisins', 'aire_toulousaine')
union all
select e.contact_key, case when g.last_engaged_at >= {{ as_of_date() }} - interval 365 day then 'engages_12_mois' else 'inactifs_12_mois' end,
       case when g.last_engaged_at >= {{ as_of_date() }} - interval 365 day then 'Actifs sur 12 mois' else 'Inactifs depuis 12 mois' end
from eligible e left join engagement g using (contact_key)
