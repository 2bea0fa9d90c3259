"""The shipped sentiment model (feedback/ml/sentiment_model.npz) and its training script."""

import os
from pathlib import Path

import numpy as np
import pytest

from feedback.ml import train_sentiment
from feedback.ml.features import normalise, term_counts
from feedback.ml.model import LABELS, MODEL_PATH, SentimentModel, label_of, score_of

REPO_ROOT = Path(__file__).resolve().parents[3]
TWEETEVAL = (
    Path(os.environ.get("SERVICEDESK_SHARED_DATA", REPO_ROOT.parent / "shared" / "data")) / "tweeteval-sentiment"
)


@pytest.fixture(scope="module")
def shipped() -> SentimentModel:
    return SentimentModel.load()


def test_the_model_ships_as_a_small_file_of_plain_arrays(shipped):
    assert MODEL_PATH.stat().st_size < 5_000_000
    with np.load(MODEL_PATH, allow_pickle=False) as arrays:  # no pickle: loading runs no code
        assert sorted(arrays.files) == ["coef", "columns", "idf", "intercept"]
    assert shipped.coef.shape == (3, len(shipped.columns) + 4)
    assert np.all(np.diff(shipped.columns) > 0)
    assert shipped.version.startswith("lr-") and len(shipped.version) == 15


def test_probabilities_sum_to_one_and_the_score_is_their_difference(shipped):
    probabilities, vader = shipped.predict(["I love this", "I hate this", "the meeting is at 3", ""])
    assert probabilities.shape == (4, 3) and vader.shape == (4, 4)
    assert np.allclose(probabilities.sum(axis=1), 1)
    assert [LABELS[i] for i in label_of(probabilities)][:2] == ["positive", "negative"]
    assert np.all(np.abs(score_of(probabilities)) <= 1)


def test_each_message_weighs_the_same_whatever_its_length(shipped):
    _, vader = shipped.predict(["good " * 50, "good"])
    design = shipped.design(term_counts([normalise("good " * 50), normalise("good")]), vader)
    tfidf = design[:, : len(shipped.columns)]
    assert np.allclose(np.sqrt(tfidf.multiply(tfidf).sum(axis=1)), 1)


def test_a_saved_model_loads_equal_and_keeps_its_version(shipped, tmp_path):
    path = tmp_path / "copy.npz"
    shipped.save(path)
    again = SentimentModel.load(path)
    assert again.same_as(shipped) and again.version == shipped.version


def test_a_different_weight_is_a_different_version(shipped):
    coef = shipped.coef.copy()
    coef[0, 0] += 1e-3
    changed = SentimentModel(columns=shipped.columns, idf=shipped.idf, coef=coef, intercept=shipped.intercept)
    assert changed.version != shipped.version and not changed.same_as(shipped)


@pytest.fixture(scope="module")
def tweeteval() -> Path:
    if not (TWEETEVAL / "mapping.txt").exists():
        pytest.skip(f"TweetEval's labelled tweets not found at {TWEETEVAL} (../shared/data beside the repository)")
    return TWEETEVAL


def test_the_training_data_is_read_whole_and_in_order(tweeteval):
    texts, labels = train_sentiment.load_tweeteval(tweeteval)
    assert len(texts) == len(labels) == 14_284
    assert np.bincount(labels).tolist() == [4284, 6806, 3194]
    assert all(texts) and not any("\n" in text for text in texts)


def test_the_training_script_rebuilds_the_shipped_model(tweeteval, shipped, tmp_path, capsys):
    """The model file is what the script makes from ../shared/data. The vocabulary and its
    weights are exact; the solver's weights agree to rounding only, because the BLAS kernels
    numpy picks differ by processor (an AMD and an Intel machine differ in the 4th decimal), so
    the version (a hash of the bytes) may differ from one machine to the next, never the
    judgement: every tweet gets the same label."""
    out = tmp_path / "rebuilt.npz"
    assert train_sentiment.main(["--data", str(tweeteval), "--out", str(out)]) == 0
    rebuilt = SentimentModel.load(out)
    assert rebuilt.version in capsys.readouterr().out
    assert np.array_equal(rebuilt.columns, shipped.columns) and np.array_equal(rebuilt.idf, shipped.idf)
    assert np.allclose(rebuilt.coef, shipped.coef, atol=0.01), "run `python -m feedback.ml.train_sentiment`"
    assert np.allclose(rebuilt.intercept, shipped.intercept, atol=0.01)
    texts, _ = train_sentiment.load_tweeteval(tweeteval)
    rebuilt_labels = rebuilt.predict(texts)[0].argmax(axis=1)
    shipped_labels = shipped.predict(texts)[0].argmax(axis=1)
    assert np.mean(rebuilt_labels == shipped_labels) >= 0.999


def test_the_script_says_where_the_data_is_missing(tmp_path, capsys):
    assert train_sentiment.main(["--data", str(tmp_path), "--out", str(tmp_path / "m.npz")]) == 2
    assert "No TweetEval sentiment data" in capsys.readouterr().err
    assert not (tmp_path / "m.npz").exists()
