"""外包商档案: one vendor with what every feature holds about it (the register's projects and
duties, the linked element draft and scope check, SLA attainment under all its names, its share
of the calls), exported for an examiner."""
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from scoring.elements.model import Combination, ServiceItem
from scoring.register.duties import mine
from scoring.register.model import Project
from scoring.services import create_services
from scoring.sla import sample
from scoring.vendor_dossier import to_excel, to_markdown

TODAY = date(2026, 12, 3)


@pytest.fixture
def services(fresh_built_data_dir):
    services = create_services({"data_dir": fresh_built_data_dir})
    services.sla_store.ensure_sample(sample.generate)
    return services


def test_the_dossier_ties_the_features_together(services):
    register = services.register
    vendor_id = register.save_vendor("远景呼叫服务有限公司", "91350100M000100Y43")
    register.map_alias("远景呼叫", vendor_id)  # the name of the sample's call records
    draft_id = services.drafts.save("人员+场所方案", Combination(("人员", "运营场所")),
                                    (ServiceItem("人工热线接听", "人员", "", "service_level", 0.8),))
    assessment_id = services.assessments.save("2026 自评", {}, ["外呼营销", "内部审计"])
    register.save_project(Project(0, vendor_id, "信用卡客服热线", ("人员", "运营场所"), draft_id,
                                  assessment_id, date(2026, 1, 1), date(2027, 12, 31), 90,
                                  "按坐席月费", 10.0, "operation"))
    dossier = services.dossier(vendor_id, TODAY)

    [item] = dossier.projects
    assert item.stage == "运行" and item.draft.startswith("人员+场所方案")
    assert dict(item.findings)["内部审计"] == "不得外包"
    assert dossier.project_table().loc[0, "不得外包的职能"] == "内部审计"
    assert set(dossier.attainment["外包商(数据中的名称)"]) == {"远景呼叫"}
    assert 0.2 < dossier.call_share < 0.5  # one of the sample's three vendors
    workbook = load_workbook(io.BytesIO(to_excel(dossier)))
    assert workbook.sheetnames == ["概要", "项目", "SLA达成", "职责", "范围判定"]
    assert workbook["项目"]["A2"].value == "信用卡客服热线"
    assert "## SLA 达成与扣款(按月)" in to_markdown(dossier)


def test_a_vendor_with_nothing_yet_has_an_empty_but_whole_dossier(services):
    vendor_id = services.register.save_vendor("=HYPERLINK(\"http://x\")")
    dossier = services.dossier(vendor_id, TODAY)
    assert dossier.projects == () and len(dossier.attainment) == 0
    workbook = load_workbook(io.BytesIO(to_excel(dossier)))
    assert workbook["概要"]["A1"].data_type == "s"  # a name that looks like a formula stays text
    assert "(尚未登记项目)" in to_markdown(dossier)


def test_the_lifecycle_cites_the_standard_verbatim_and_the_bank_rules_when_loaded(services):
    stages = dict((stage.id, citations) for stage, citations in services.lifecycle())
    assert [c.clause for c in stages["initiation"]] == ["5.3.1"] * 3
    assert all(c.quote in next(cl.text for d in services.knowledge.documents() for cl in d.clauses
                               if cl.clause == c.clause and d.info.short_name == c.doc)
               for c in stages["approval"])
    assert stages["renewal"] == []  # our copy says nothing of it, and no rule of the bank is loaded
    assert mine(services.knowledge.documents()) == []  # the standard's copy states no duties
