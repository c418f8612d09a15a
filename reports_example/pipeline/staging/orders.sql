-- config:
-- [tests]
-- unique = ["order_id"]
-- not_null = ["order_id", "order_date", "state", "sales"]
-- relationships = { state = "staging.states.state" }
-- sql = [{ name = "no negative sales", sql = "select * from {{ this }} where sales < 0" }]

-- Orders as the shop exported them, with the day of each order.
select
  order_id,
  order_datetime,
  cast(order_datetime as date) as order_date,
  channel,
  category,
  state,
  sales,
  quantity
from orders.orders
