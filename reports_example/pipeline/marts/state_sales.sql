-- config:
-- [tests]
-- unique = ["state"]
-- row_count = { min = 1, max = 50 }

-- Orders and revenue per state, with its name and region.
select o.state, s.state_name, s.region, count(*) as orders, sum(o.sales) as sales
from staging.orders o
join staging.states s on o.state = s.state
group by 1, 2, 3
