"""Outsourcing elements (clause 4): responsibility split, requirements, risks, a draft 服务目录.

    python -m scoring.elements matrix 人员 系统 --json
"""
