-- What each landed delivery still contributes once re-issues are applied (for the data
-- engineer: is every period in, which delivery supplies it).
select
    batch_id,
    regexp_extract(any_value(source_file), '^([^/]+)', 1) as delivered_file,
    max(issued_at) as issued_at,
    year,
    min(day) as first_day,
    max(day) as last_day,
    count(distinct ot_code) as zones,
    count(*) as figures,
    count(*) filter (where not is_known_category or not is_known_provenance) as figures_with_unknown_vocabulary
from {{ ref('int_fluxvision_volumes_located') }}
group by batch_id, year
