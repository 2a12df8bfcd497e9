"""The service's routes, one module per idea: jobs (solve, what-if, their results), tools that
answer at once (validate, check, explain), and the admin page.

A re-planning endpoint (`POST /v1/replan`) belongs beside `jobs.py` as `replan.py` once the engine
can re-plan; add its router to `ROUTERS` in `pairwise.service.app`.
"""
