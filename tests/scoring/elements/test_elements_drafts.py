"""Element drafts in a real SQLite file: save, reopen, continue; a refused save changes nothing."""
import sqlite3
from contextlib import closing
from datetime import datetime

import pytest

from scoring.elements.drafts import DB_FILE, DraftStore
from scoring.elements.model import Combination, ElementError, ServiceItem

MIX = Combination(("人员", "系统", "其他"), ("知识库维护",))
ITEMS = (ServiceItem("人工热线接听", "人员", "7×24 小时", "service_level", 0.85),
         ServiceItem("录音管理", "系统", "调阅须经行方审批"),
         ServiceItem("知识库维护", "其他", "", "", None))


@pytest.fixture
def store(data_dir) -> DraftStore:
    return DraftStore(data_dir)


def rows(data_dir) -> list[tuple]:
    with closing(sqlite3.connect(data_dir / DB_FILE)) as db:
        return db.execute("SELECT d.title, i.position, i.name, i.target FROM draft d"
                          " JOIN service_item i ON i.draft_id = d.id ORDER BY d.id, i.position"
                          ).fetchall()


def test_a_saved_draft_reopens_as_it_was(store, data_dir):
    draft_id = store.save(" 人员+系统 方案 ", MIX, ITEMS, now=datetime(2025, 3, 1, 9, 30))
    reopened = DraftStore(data_dir).load(draft_id)  # a new store: read from the file
    assert (reopened.title, reopened.combination, reopened.items) == ("人员+系统 方案", MIX, ITEMS)
    assert reopened.label == "人员+系统 方案(人员+系统+其他(知识库维护),保存于 2025-03-01 09:30)"


def test_continuing_replaces_the_rows_of_the_same_draft(store):
    draft_id = store.save("方案", MIX, ITEMS)
    shorter = Combination(("人员",))
    assert store.save("方案(改)", shorter, ITEMS[:1], draft_id) == draft_id
    [only] = store.saved()
    assert (only.title, only.combination, only.items) == ("方案(改)", shorter, ITEMS[:1])


def test_saved_lists_the_latest_first(store):
    first = store.save("一", MIX, ITEMS, now=datetime(2025, 1, 1))
    second = store.save("二", MIX, ITEMS, now=datetime(2025, 2, 1))
    assert [draft.id for draft in store.saved()] == [second, first]


@pytest.mark.parametrize("title, items, draft_id, message", [
    ("  ", ITEMS, None, "请填写草稿名称"),
    ("很" * 101, ITEMS, None, "名称超过 100 字"),
    ("方案", (), None, "服务目录为空"),
    ("方案", ITEMS, 999, "没有编号为 999 的草稿"),
])
def test_a_refused_save_leaves_saved_drafts_intact(store, data_dir, title, items, draft_id, message):
    store.save("原方案", MIX, ITEMS)
    before = rows(data_dir)
    with pytest.raises(ElementError, match=message):
        store.save(title, MIX, items, draft_id)
    assert rows(data_dir) == before


def test_a_save_failing_half_way_is_rolled_back(store, data_dir):
    draft_id = store.save("原方案", MIX, ITEMS)
    before = rows(data_dir)
    broken = (ITEMS[0], ServiceItem(" ", "人员"))  # the database refuses an empty name
    with pytest.raises(sqlite3.IntegrityError):
        store.save("新方案", MIX, broken, draft_id)
    assert rows(data_dir) == before and store.load(draft_id).title == "原方案"


def test_nothing_saved_yet(store, data_dir):
    assert store.saved() == [] and not (data_dir / DB_FILE).exists()
    with pytest.raises(ElementError, match="没有编号为 1 的草稿"):
        store.load(1)


def item_rows(data_dir) -> list[tuple]:
    with closing(sqlite3.connect(data_dir / DB_FILE)) as db:
        return db.execute("SELECT draft_id, position, name FROM service_item"
                          " ORDER BY draft_id, position").fetchall()


def test_deleting_removes_the_draft_and_its_items_and_leaves_the_others(store, data_dir):
    kept = store.save("一", MIX, ITEMS)
    deleted = store.save("二", MIX, ITEMS[:2])
    store.delete(deleted)
    assert [draft.id for draft in store.saved()] == [kept]
    assert [draft_id for draft_id, _, _ in item_rows(data_dir)] == [kept] * len(ITEMS)
    assert store.load(kept).items == ITEMS
    with pytest.raises(ElementError, match=f"没有编号为 {deleted} 的草稿"):
        store.load(deleted)


def test_deleting_an_unknown_draft_says_so_and_changes_nothing(store, data_dir):
    with pytest.raises(ElementError, match="^没有编号为 7 的草稿。$"):
        store.delete(7)
    assert not (data_dir / DB_FILE).exists()
    store.save("原方案", MIX, ITEMS)
    before = rows(data_dir)
    with pytest.raises(ElementError, match="^没有编号为 7 的草稿。$"):
        store.delete(7)
    assert rows(data_dir) == before


def test_reasons_for_keeping_prohibited_items_are_saved_with_the_draft(store):
    draft_id = store.save("保留审计", MIX, ITEMS, overrides={"人工热线接听": " 经审批保留 ", "x": " "})
    assert store.load(draft_id).overrides == {"人工热线接听": "经审批保留"}


def test_a_draft_file_from_before_the_reasons_gains_their_column(data_dir):
    with closing(sqlite3.connect(data_dir / DB_FILE)) as db, db:
        db.executescript("""
            CREATE TABLE draft (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL,
                elements TEXT NOT NULL, others TEXT NOT NULL DEFAULT '[]', created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL);
            INSERT INTO draft VALUES (1, '旧草稿', '["人员"]', '[]', '2025-01-01', '2025-01-01');""")
    draft = DraftStore(data_dir).load(1)
    assert (draft.title, draft.overrides) == ("旧草稿", {})
