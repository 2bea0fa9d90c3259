"""The scorer: words, vectors, scores (no database)."""

from collections import Counter

from intelligence.similarity import scorer


def test_it_keeps_the_words_that_carry_meaning():
    assert scorer.words("Hello, the VPN keeps disconnecting!") == ["vpn", "keep", "disconnect"]


def test_it_skips_the_handles_a_mention_names():
    assert scorer.words("@servicedesk_demo the VPN drops, cc @it-ops") == ["vpn", "drop", "cc"]
    assert "example" in scorer.words("mail jo@example.org bounces")  # an address is not a handle


def test_it_splits_names_and_keeps_them_whole():
    assert scorer.words("dict.leo.org renders blank") == ["dict", "leo", "dict.leo.org", "render", "blank"]


def test_it_drops_the_boilerplate_of_bug_templates():
    assert scorer.words("User Agent: Mozilla/5.0 (X11)\nSteps to reproduce: open mail") == ["open", "mail"]


def test_a_vector_packs_and_unpacks_to_itself():
    vector = scorer.weigh(Counter({1: 2, -5: 1, 7: 1}), frequency=lambda t: 1, documents=10)
    assert scorer.Vector.unpack(vector.pack()).terms == vector.terms
    assert [round(w, 5) for w in scorer.Vector.unpack(vector.pack()).weights] == [round(w, 5) for w in vector.weights]


def test_weights_are_normalised_heaviest_first():
    vector = scorer.weigh(Counter({1: 3, 2: 1}), frequency=lambda t: 1, documents=10)
    assert vector.terms == (1, 2)
    assert abs(sum(w * w for w in vector.weights) - 1) < 1e-9


def test_rare_terms_weigh_more_than_common_ones():
    vector = scorer.weigh(Counter({1: 1, 2: 1}), frequency={1: 900, 2: 3}.__getitem__, documents=1000)
    assert vector.terms[0] == 2


def _profile(title, description="", day=0.0):
    counts = {**scorer.title_terms(title), **scorer.full_terms(title, description)}
    title_vector = scorer.weigh(scorer.title_terms(title), frequency=lambda t: 1, documents=100)
    full_vector = scorer.weigh(scorer.full_terms(title, description), frequency=lambda t: 1, documents=100)
    assert counts
    return scorer.Profile(title_vector.as_dict(), full_vector.as_dict(), day)


def test_the_same_fault_scores_higher_than_another():
    vpn = _profile("VPN disconnects every hour", "The VPN client drops the tunnel")
    assert scorer.score(vpn, _profile("VPN keeps disconnecting", "tunnel drops")) > scorer.score(
        vpn, _profile("Printer out of toner", "The printer on floor 2")
    )


def test_close_in_time_scores_higher():
    vpn = _profile("VPN disconnects", day=100.0)
    assert scorer.score(vpn, _profile("VPN disconnects", day=101.0)) > scorer.score(
        vpn, _profile("VPN disconnects", day=500.0)
    )


def test_candidates_are_the_best_partial_dot_products():
    postings = {1: [("a", 0.9), ("b", 0.1)], 2: [("b", 0.8), ("c", 0.7)]}
    found = scorer.rank_candidates(query_terms=[(1, 1.0), (2, 0.5)], postings=lambda t: postings.get(t, []))
    assert found == ["a", "b", "c"]
    assert "a" not in scorer.rank_candidates(query_terms=[(1, 1.0)], postings=postings.get, exclude="a")
