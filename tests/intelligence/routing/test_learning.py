"""intelligence.routing.learning: the model, the keywords, and how they combine."""

from intelligence.routing import learning

from .conftest import MAIL_TITLES, NETWORK_TITLES


def trained():
    return learning.fit(NETWORK_TITLES + MAIL_TITLES, [1] * len(NETWORK_TITLES) + [2] * len(MAIL_TITLES))


def test_it_learns_which_service_a_text_is_about():
    suggester = learning.Suggester(pipeline=trained(), version=3, keywords={}, active={1, 2})
    vpn = suggester.suggest("the VPN dropped again")
    mail = suggester.suggest("Outlook will not send my email")
    assert (vpn.service_id, vpn.source, vpn.model_version) == (1, "model", 3)
    assert mail.service_id == 2
    assert 0.5 < vpn.confidence <= 1


def test_a_model_survives_the_database_as_bytes():
    pipeline = learning.load(learning.dump(trained()))
    assert list(pipeline.predict(["wifi is down"])) == [1]


def test_keywords_alone_suggest_a_service_and_more_of_them_say_it_louder():
    suggester = learning.Suggester(pipeline=None, version=None, keywords={7: ["printer", "toner"]}, active={7})
    one = suggester.suggest("The printer on floor 3")
    two = suggester.suggest("The printer on floor 3 is out of toner")
    assert (one.service_id, one.source, one.model_version) == (7, "keywords", None)
    assert one.confidence == learning.KEYWORD_FIRST < two.confidence
    assert suggester.suggest("my laptop will not boot") is None


def test_a_keyword_is_a_whole_word_or_phrase():
    suggester = learning.Suggester(pipeline=None, version=None, keywords={7: ["vpn", "remote access"]}, active={7})
    assert suggester.suggest("VPNs everywhere") is None
    assert suggester.suggest("no Remote  Access today").service_id == 7


def test_keywords_and_the_model_add_up_as_independent_evidence():
    pipeline = trained()
    text = "it is flaky today"
    p_mail = float(pipeline.predict_proba([text])[0][list(pipeline.classes_).index(2)])
    suggester = learning.Suggester(pipeline=pipeline, version=1, keywords={2: ["flaky"]}, active={1, 2})

    suggestion = suggester.suggest(text)

    with_keyword = 1 - (1 - p_mail) * (1 - learning.KEYWORD_FIRST)  # noisy-or
    assert with_keyword > 1 - p_mail  # the manager's word outweighs what was learned here
    assert (suggestion.service_id, suggestion.confidence) == (2, round(with_keyword, 4))
    assert suggestion.source == "keywords" and suggestion.model_version == 1


def test_an_inactive_service_is_never_suggested():
    suggester = learning.Suggester(pipeline=trained(), version=1, keywords={1: ["vpn"]}, active={2})
    suggestion = suggester.suggest("the VPN dropped again")
    assert suggestion is None or suggestion.service_id == 2


def test_the_hold_out_is_the_newest_fifth_and_too_few_say_nothing():
    texts, labels = NETWORK_TITLES + MAIL_TITLES, [1] * 12 + [2] * 12
    assert learning.holdout_accuracy(texts, labels) is None  # 19 to fit: too few
    many = (NETWORK_TITLES * 3) + (MAIL_TITLES * 3)
    interleaved = [t for pair in zip(many[:36], many[36:], strict=True) for t in pair]
    accuracy = learning.holdout_accuracy(interleaved, [1, 2] * 36)
    assert accuracy == 1.0
