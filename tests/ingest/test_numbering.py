"""Clause numbers: what may follow what, lost headings, Chinese numerals, body lines."""
import pytest

from ingest.numbering import cn_to_int, is_body_after_number, next_numbers, skipped_number


@pytest.mark.parametrize("numeral, value", [
    ("一", 1), ("十", 10), ("十一", 11), ("二十三", 23), ("四十六", 46), ("一百零五", 105), ("7", 7)])
def test_chinese_numerals(numeral, value):
    assert cn_to_int(numeral) == value


@pytest.mark.parametrize("current, number, fits, lost", [
    ((), (1,), True, None),
    ((4, 1), (4, 2), True, None),
    ((4, 1), (4, 3), False, (4, 2)),
    ((5, 2, 1), (5, 2, 3), False, (5, 2, 2)),
    ((5, 1, 3), (5, 2, 1), False, (5, 2)),
    ((5, 1, 3), (6,), True, None),
    ((4, 1), (40,), False, None),
    ((11, 5, 14, 2), (11, 5, 14, 2, 1), True, None),
])
def test_sequence(current, number, fits, lost):
    assert (number in next_numbers(current)) is fits
    assert skipped_number(current, number) == lost


@pytest.mark.parametrize("rest, body", [
    ("学时以上的培训", True), ("个月内仍未完成整改", True), ("规定的职能", True),
    ("所称外包", True), ("%的抽检", True), ("日常管理", False), ("人员流失率", False),
    ("运营场所外包", False), ("范围", False),
])
def test_body_line_after_number(rest, body):
    assert is_body_after_number(rest) is body
