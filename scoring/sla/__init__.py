"""The SLA board: vendors' call records and reports, indicators, contract targets, attainment.

Command line: ``python -m scoring.sla kpis|sample|import`` (see __main__.py).
"""
