"""The audit trail: who changed what, when, how they came and how it ended, appended to a
hash chain that shows any later edit or removal (``trail``).

    python -m audit list --since 2026-12-01 --outcome refused
    python -m audit verify
"""
