-- Offer counts per OT, commune and offer type, with the average quality score.
select
    scores.ot_code,
    scores.insee_code,
    communes.commune_name,
    scores.offer_type,
    labels.offer_type_label,
    count(*) as offer_count,
    round(avg(scores.quality_score), 1) as avg_quality_score
from {{ ref('offer_quality_scores') }} as scores
inner join {{ ref('communes_82') }} as communes on scores.insee_code = communes.insee_code
left join {{ ref('offer_type_labels') }} as labels using (offer_type)
where scores.ot_code is not null
group by all
