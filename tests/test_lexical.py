"""Words, stems, BM25 and spelling repair."""

from chatbot.lexical import Bm25, stem, terms, words


def test_words_drop_possessives_and_keep_numbers():
    assert words("Ganim’s 251 votes, Sept. 12!") == ["ganim", "251", "votes", "sept", "12"]


def test_stems_meet_across_inflections():
    assert stem("nominated") == stem("nominate") == "nominat"
    assert stem("ballots") == stem("ballot")
    assert terms("Who nominated the judges?") == ["nominat", stem("judge")]


def test_short_words_meet_their_forms_too():
    # a question saying "voted" or "wins" finds the article saying "voting" or "win"
    assert stem("voting") == stem("voted") == stem("votes") == stem("vote") != stem("voter")
    assert stem("winning") == stem("wins") == stem("win") and stem("ruling") == stem("ruled") == stem("rule")
    assert stem("putting") == stem("puts") == stem("put") and stem("planned") == stem("plan")
    assert stem("boxes") == stem("box") and stem("cases") == stem("case") and stem("parties") == stem("party")
    assert stem("employees") == stem("employee") and stem("agreed") == stem("agree")


def test_stemming_leaves_words_that_only_look_inflected():
    assert stem("process") == stem("processes") and stem("status") == "status" and stem("news") != stem("new")
    assert stem("calling") == "call" and stem("hoping") != stem("hopping") and stem("speed") == "speed"


def test_irregular_verb_forms_meet_their_verb_but_not_another_sense():
    assert stem("wrote") == stem("written") == stem("writes") == stem("write")
    assert stem("sworn") == stem("swearing") and stem("won") == stem("win")
    assert stem("held") != stem("hold")  # "the primary was held" is not "I could not hold on to it"


def test_abbreviated_months_and_titles_meet_their_full_names():
    assert terms("the Sept. 12 primary") == terms("the September 12 primary") == ["septemb", "12", "primary"]
    assert stem("oct") == stem("october") and stem("sep") == stem("september")
    assert terms("Gov. Ned Lamont") == terms("Governor Ned Lamont")


def test_bm25_prefers_the_document_with_the_rare_term():
    index = Bm25(["the judge ruled", "the judge was nominated by the governor", "the mayor spoke"])
    query = {stem("judge"): 1.0, stem("nominated"): 1.0}
    assert index.best(query, 5) == [1, 0]  # the third has neither
    assert index.best(query, 1) == [1]


def test_bm25_ranks_equal_scores_in_document_order_and_weighs_terms():
    index = Bm25(["a ballot", "the mayor", "a ballot", "the mayor", "a ballot"])
    assert index.best({"ballot": 1.0}, 2) == [0, 2]
    assert index.best({"ballot": 0.5, "mayor": 1.0}, 5) == [1, 3, 0, 2, 4]


def test_misspelt_words_are_repaired_to_the_corpus_spelling():
    index = Bm25(["Bridgeport voters", "absentee ballots in Bridgeport"])
    assert index.repair(stem("bridgport")) == "bridgeport"
    assert index.repair(stem("absentie")) == stem("absentee")
    assert index.repair("zzzzzz") is None


def test_a_dictionary_word_is_never_repaired_into_another_word_only_into_its_own_forms():
    index = Bm25(["a fight broke out", "absentee ballots in Bridgeport", "he will drop out"],
                 dictionary=["night", "drops"])
    assert Bm25(["a fight broke out"]).repair("night") == "fight"  # without a dictionary, one edit away
    assert index.repair("night") is None
    assert index.repair("drops") == "drop"
    assert index.repair(stem("bridgport")) == "bridgeport"  # not a dictionary word: repaired


def test_a_misspelling_the_stemmer_cut_short_is_repaired_as_written():
    index = Bm25(["Gomes has not conceded"], dictionary=["trace"])
    assert stem("conced") == "conc" and index.repair("conc") is None  # too short to repair safely
    assert index.repair("conced") == stem("conceded")
    assert Bm25(["the race was close"], dictionary=["trace"]).repair("trace") is None  # a word, not "race"
