"""Kept conversations: every answer whole, the user's 👍/👎 and reason, safe with two writers."""
from concurrent.futures import ThreadPoolExecutor

import pytest

from scoring.assistant.conversations import ConversationError, ConversationStore


@pytest.fixture
def store(data_dir) -> ConversationStore:
    return ConversationStore(data_dir)


@pytest.fixture(scope="module")
def answers(built_services):
    return {question: built_services.ask(question)
            for question in ("外包场地有什么要求?", "可以把投诉处理外包吗?", "明天天气怎么样?")}


def test_a_conversation_is_kept_with_every_answer_whole(store, answers):
    conversation = None
    for question, answer in answers.items():
        conversation, position = store.add_turn(conversation, question, answer)
    kept = store.load(conversation)
    assert kept.title == "外包场地有什么要求?" and position == 2
    assert [turn.answer for turn in kept.turns] == list(answers.values())  # citations included
    assert [turn.liked for turn in kept.turns] == [None, None, None]
    assert [c.label for c in store.saved()] == [kept.label]


def test_likes_and_dislikes_with_a_reason_are_kept(store, answers):
    question, answer = next(iter(answers.items()))
    conversation, position = store.add_turn(None, question, answer)
    store.rate(conversation, position, False, "应引用 第4.3条 的 消防 要求")
    [disliked] = store.disliked()
    assert (disliked.conversation_id, disliked.position) == (conversation, position)
    assert disliked.turn.reason == "应引用 第4.3条 的 消防 要求"
    assert disliked.turn.answer == answer
    store.rate(conversation, position, True)
    assert store.disliked() == [] and store.load(conversation).turns[0].liked is True


def test_rating_an_answer_of_a_deleted_conversation_says_so(store, answers):
    question, answer = next(iter(answers.items()))
    conversation, position = store.add_turn(None, question, answer)
    store.delete(conversation)
    with pytest.raises(ConversationError, match="对话可能已被删除"):
        store.rate(conversation, position, False)
    with pytest.raises(ConversationError, match="没有编号为"):
        store.add_turn(conversation, question, answer)


def test_a_reason_too_long_is_refused(store, answers):
    question, answer = next(iter(answers.items()))
    conversation, position = store.add_turn(None, question, answer)
    with pytest.raises(ConversationError, match="原因太长"):
        store.rate(conversation, position, False, "太" * 501)


def test_a_damaged_file_is_reported_and_left_alone(store, data_dir):
    store.path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ConversationError, match="无法读取"):
        store.saved()
    assert store.path.read_bytes() == b"this is not sqlite" * 100


def test_two_sessions_adding_to_one_conversation_lose_nothing(store, answers):
    question, answer = next(iter(answers.items()))
    conversation, _ = store.add_turn(None, question, answer)
    with ThreadPoolExecutor(8) as pool:
        positions = list(pool.map(lambda _: store.add_turn(conversation, question, answer)[1],
                                  range(24)))
    assert sorted(positions) == list(range(1, 25))
    assert len(store.load(conversation).turns) == 25
