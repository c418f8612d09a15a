select date_trunc('month', order_datetime) as month, state, channel,
       count(*) as orders, sum(sales) as sales, avg(quantity) as avg_quantity,
       max(sales) as largest
from orders.orders
where sales > 0
group by 1, 2, 3
