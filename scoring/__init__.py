"""The outsourcing-management features, each a folder with its model, rules (TOML), store,
report and command line, built on the knowledge base:

    scope/      范围自检: may a function be outsourced; the governance self-assessment
    elements/   外包要素: who provides and manages what; the draft 服务目录
    sla/        SLA看板: vendors' calls and reports, indicators, targets, Erlang C

Shared by the features: standard.py (quotations checked against the loaded standard),
records.py (saved records in SQLite), exports.py (tables to Markdown and Excel). services.py is
the composition root that builds every service of the app from the settings.
"""
