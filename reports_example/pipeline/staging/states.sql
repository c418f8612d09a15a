-- config:
-- [tests]
-- unique = ["state"]
-- not_null = ["state", "state_name", "region"]
-- accepted_values = { region = ["Midwest", "Northeast", "South", "West"] }

-- The 50 states and their census regions, as the geo source has them.
select state, state_name, region
from geo.states
