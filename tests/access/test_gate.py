"""The gate: roles as data, who is acting, and every change refused or done, always recorded."""
import ast
import sqlite3
from pathlib import Path

import pytest

from access.gate import COMMAND_LINE, LOCAL_USER, SINGLE_USER, SSO, Gate, NotPermitted
from access.people import PeopleError
from access.roles import RoleTable
from errors import UserError
from settings import PROJECT_ROOT, load_settings


def gate_for(data_dir: Path, **settings) -> Gate:
    return Gate.for_settings(load_settings({"data_dir": data_dir, **settings}))


@pytest.fixture
def gate(data_dir) -> Gate:
    return gate_for(data_dir, first_admins="chief@bank.cn",
                    group_roles="csc-ops=业务管理员;csc-kb=knowledge")


GATED_CALLS = {"perform", "attempt", "may", "locked", "require", "why_not"}


def actions_named_in(path: Path) -> set[str]:
    """The action ids given to the gate's calls (and as delete_action=) in one module."""
    named = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        arguments = [*node.args[:2]] if name in GATED_CALLS else []
        arguments += [k.value for k in node.keywords if k.arg == "delete_action"]
        named |= {arg.value for arg in arguments if isinstance(arg, ast.Constant)
                  and isinstance(arg.value, str) and "." in arg.value}
    return named


def test_every_action_the_code_names_is_in_the_roles_file_and_every_one_is_used():
    table = RoleTable.load()
    modules = [*PROJECT_ROOT.glob("pages/*.py"), PROJECT_ROOT / "app.py",
               *PROJECT_ROOT.glob("*/__main__.py"), *PROJECT_ROOT.glob("scoring/*/__main__.py")]
    named = set().union(*(actions_named_in(path) for path in modules))
    named |= {action for path in modules for action in table.actions
              if f'"{action}"' in path.read_text(encoding="utf-8")}  # as data: app.py's pages …
    assert named - set(table.actions) == set()
    assert set(table.actions) - named == set(), "an action no page or command performs"


def test_a_person_signed_in_gets_the_default_groups_given_and_first_admin_roles(gate):
    viewer = gate.signed_in({"sub": "u1", "email": "li@bank.cn", "name": "李明"})
    assert (viewer.id, viewer.name, viewer.roles, viewer.via) == ("li@bank.cn", "李明", {"viewer"}, SSO)
    grouped = gate.signed_in({"email": "wang@bank.cn", "groups": ["csc-ops", "other"]})
    assert grouped.roles == {"viewer", "business"}
    assert gate.signed_in({"email": "x@bank.cn", "groups": "csc-kb, csc-ops"}).roles == {
        "viewer", "business", "knowledge"}
    assert gate.signed_in({"email": "chief@bank.cn"}).roles == {"viewer", "system"}


def test_a_viewer_is_refused_and_the_attempt_is_recorded(gate):
    viewer = gate.signed_in({"email": "li@bank.cn", "name": "李明"})
    ran = []
    with pytest.raises(NotPermitted, match="导入SLA数据.*查看者.*审计日志"):
        gate.perform(viewer, "sla.import", "话单.csv", lambda: ran.append(1))
    assert ran == []
    [entry] = gate.trail.entries()
    assert (entry.actor, entry.actor_name, entry.action, entry.outcome, entry.target) == (
        "li@bank.cn", "李明", "sla.import", "refused", "话单.csv")


def test_a_change_that_is_allowed_runs_and_is_recorded_with_before_and_after(gate):
    manager = gate.signed_in({"email": "wang@bank.cn", "name": "王芳", "groups": ["csc-ops"]})
    assert gate.perform(manager, "sla.targets", "远景呼叫", lambda: 42, summary=lambda n: f"新 {n}",
                        before="旧 41") == 42
    [entry] = gate.trail.entries()
    assert (entry.label, entry.outcome, entry.before, entry.after, entry.via) == (
        "修改合同目标", "done", "旧 41", "新 42", SSO)


def test_a_change_that_fails_is_recorded_with_its_message_and_raised(gate):
    manager = gate.signed_in({"email": "wang@bank.cn", "groups": ["csc-ops"]})

    def broken():
        raise UserError("文件的第 3 行缺少 call_id。")
    with pytest.raises(UserError, match="call_id"):
        gate.perform(manager, "sla.import", "bad.csv", broken)
    [entry] = gate.trail.entries()
    assert (entry.outcome, entry.after) == ("failed", "文件的第 3 行缺少 call_id。")


def test_nothing_runs_when_the_audit_trail_cannot_be_written(gate):
    manager = gate.signed_in({"email": "wang@bank.cn", "groups": ["csc-ops"]})
    gate.trail.path.parent.mkdir(parents=True, exist_ok=True)
    gate.trail.path.write_bytes(b"this is not a database at all" * 100)
    ran = []
    with pytest.raises(UserError, match="审计"):
        gate.perform(manager, "sla.import", "话单.csv", lambda: ran.append(1))
    assert ran == []


def test_single_user_mode_without_a_password_may_change_everything(data_dir):
    gate = gate_for(data_dir)
    local = gate.single_user(unlocked=False)
    assert (local.id, local.via) == (LOCAL_USER, SINGLE_USER)
    assert all(gate.allows(local, action) for action in gate.table.actions)


def test_single_user_mode_with_a_password_views_until_it_is_given(data_dir):
    gate = gate_for(data_dir, admin_password="s3cret")
    assert not gate.allows(gate.single_user(unlocked=False), "documents.remove")
    assert not gate.unlock("wrong") and gate.unlock("s3cret")
    assert gate.allows(gate.single_user(unlocked=True), "documents.remove")
    assert [(entry.action, entry.outcome) for entry in gate.trail.entries()] == [
        ("unlock", "done"), ("unlock.failed", "refused")]


def test_the_command_line_acts_as_the_operating_system_user_with_every_role(gate):
    person = gate.command_line()
    assert person.via == COMMAND_LINE and person.id
    assert all(gate.allows(person, action) for action in gate.table.actions)


def test_roles_are_given_by_a_system_administrator_and_recorded(gate):
    gate.people.seen("li@bank.cn", "李明")
    chief = gate.signed_in({"email": "chief@bank.cn", "name": "张总"})
    gate.give_roles(chief, "li@bank.cn", frozenset({"business", "knowledge"}))
    li = gate.signed_in({"email": "li@bank.cn"})
    assert li.roles == {"viewer", "business", "knowledge"}
    [entry] = [e for e in gate.trail.entries() if e.action == "roles.grant"]
    assert (entry.actor, entry.target, entry.before, entry.after) == (
        "chief@bank.cn", "li@bank.cn", "无", "业务管理员、知识库管理员")
    with pytest.raises(NotPermitted):
        gate.give_roles(li, "li@bank.cn", frozenset({"system"}))  # not a system administrator
    with pytest.raises(PeopleError, match="先登录"):
        gate.give_roles(chief, "nobody@bank.cn", frozenset({"viewer"}))
    with pytest.raises(NotPermitted, match="未知的角色"):
        gate.give_roles(chief, "li@bank.cn", frozenset({"root"}))


def test_a_damaged_file_of_people_is_refused_and_left_as_it_was(gate):
    gate.people.path.parent.mkdir(parents=True, exist_ok=True)
    gate.people.path.write_bytes(b"garbage" * 200)
    with pytest.raises(PeopleError, match="已损坏"):
        gate.signed_in({"email": "li@bank.cn"})
    assert gate.people.path.read_bytes() == b"garbage" * 200


def test_the_people_file_is_one_row_per_person(gate):
    for name in ("李明", "李明（运营部）"):
        gate.people.seen("li@bank.cn", name)
    [person] = gate.people.everyone()
    assert person.name == "李明（运营部）"
    with sqlite3.connect(gate.people.path) as db:
        assert db.execute("SELECT count(*) FROM person").fetchone()[0] == 1


def test_a_sign_in_counts_once_however_often_the_browser_reloads(gate):
    assert gate.people.seen("li@bank.cn", "李明", issued="1764800000")
    assert not gate.people.seen("li@bank.cn", "李明", issued="1764800000")  # a reload
    assert gate.people.seen("li@bank.cn", "李明", issued="1764890000")  # signed in again
    assert gate.people.seen("wang@bank.cn", "王芳", issued="1764800000")  # someone else
    assert gate.people.seen("li@bank.cn", "李明") and gate.people.seen("li@bank.cn", "李明")


def test_two_sessions_of_one_sign_in_count_it_once(gate):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        new = list(pool.map(lambda _: gate.people.seen("li@bank.cn", "李明", issued="1764800000"),
                            range(16)))
    assert new.count(True) == 1


def test_a_people_file_from_before_sign_ins_were_kept_still_works(gate):
    gate.people.path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(gate.people.path) as db:
        db.execute("CREATE TABLE person (id TEXT PRIMARY KEY, name TEXT NOT NULL, roles TEXT NOT "
                   "NULL DEFAULT '[]', first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, "
                   "roles_changed_by TEXT NOT NULL DEFAULT '', roles_changed_at TEXT NOT NULL "
                   "DEFAULT '')")
        db.execute("INSERT INTO person (id, name, first_seen, last_seen) VALUES "
                   "('li@bank.cn', '李明', '2026-01-01T09:00:00', '2026-01-01T09:00:00')")
    db.close()
    assert gate.people.seen("li@bank.cn", "李明", issued="1764800000")
    assert gate.people.find("li@bank.cn").first_seen == "2026-01-01T09:00:00"
