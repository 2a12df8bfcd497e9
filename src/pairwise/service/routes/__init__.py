"""The service's routes, one module per idea: jobs (solve, what-if, their results), re-planning
(a job too), tools that answer at once (validate, check, explain), and the admin page.
"""
