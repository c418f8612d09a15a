-- Revenue per census region and channel.
select s.region, o.channel, sum(o.sales) as sales
from staging.orders o
join staging.states s on o.state = s.state
group by 1, 2
