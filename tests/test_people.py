"""Who is who in an article, and whom a quotation is attributed to (pure functions)."""

from chatbot.people import People, speakers, titled

ARTICLE = """Superior Court Judge William Clark tossed out the results, siding with challenger John Gomes.

“The volume of ballots so mishandled calls the result into doubt,” Clark said in his ruling.

“At the end of the day, the videos don’t lie,” said lawyer Bill Bloss, who represented Gomes.

“The videos showed misconduct,” he said.

Fraud can be reported to the CT Election Day Hotline. Voting in Bridgeport is still set for Tuesday."""


def test_a_title_before_a_first_and_last_name_maps_to_that_person():
    people = People.of(ARTICLE)
    assert people.titles["judge"] == {"william", "clark"} and people.titles["court"] == {"william", "clark"}
    assert people.titles["challenger"] == {"john", "gomes"} and people.titles["lawyer"] == {"bill", "bloss"}


def test_places_and_named_things_are_not_people():
    people = People.of(ARTICLE)
    assert "election" not in people.titles  # "Election Day Hotline": "day" is also written in lower case
    assert {"clark", "bloss", "gomes"} <= people.persons
    assert not {"bridgeport", "tuesday", "hotline"} & people.persons


def test_words_of_a_question_mean_people_by_name_or_by_title():
    people = People.of(ARTICLE)
    assert people.meant(["what", "did", "the", "judge", "say"]) == {"william", "clark"}
    assert people.meant(["what", "did", "bloss", "say", "in", "bridgeport"]) == {"bloss"}
    assert people.meant(["who", "won"]) == set()


def test_the_speaker_is_named_outside_the_quotation_or_in_the_sentence_before():
    people = People.of(ARTICLE)
    assert speakers("“At the end of the day, the videos don’t lie,” said lawyer Bill Bloss.") == {"bill", "bloss"}
    assert speakers("“The Judge was right,” he said.") == set()  # a name inside the quotation is not its speaker
    assert people.attributed("“The videos showed misconduct,” he said.",
                             "“At the end of the day, the videos don’t lie,” said lawyer Bill Bloss, who represented Gomes."
                             ) == {"lawyer", "bill", "bloss"}  # the attribution names the speaker, not the client
    assert people.attributed("“It is shocking,” the judge wrote.") == {"judge", "william", "clark"}
    # a sentence that is all quotation (an outlet quoted) is said by whom it names as saying it
    assert "bloss" in people.attributed("“If Gomes wins, his attorney Bill Bloss said, he would withdraw it.”")
    assert "gomes" not in people.attributed("“If Gomes wins, his attorney Bill Bloss said, he would withdraw it.”")
    # a quotation going on after "he said" is said by whom the sentence before that names
    assert people.attributed("“And that was certainly a substantial reason why the judge ruled.”",
                             "“The videos showed misconduct,” he said.",
                             "“At the end of the day, the videos don’t lie,” said lawyer Bill Bloss.") == {
        "lawyer", "bill", "bloss"}


def test_the_articles_people_a_sentence_names_by_any_one_of_their_names():
    people = People.of(ARTICLE)
    assert people.named("Later, Clark said nothing more.") == {"clark"}
    assert people.named("He said nothing more.") == set()


def test_whom_a_text_names_last_by_name_or_by_title_is_whom_a_following_he_or_she_is():
    people = People.of(ARTICLE)
    assert people.last_named("The videos don’t lie, said the judge.") == {"william", "clark"}
    assert people.last_named("Clark ruled after Gomes sued.") == {"gomes"}
    assert people.last_named("It rained in Bridgeport.") == set()


def test_a_sentence_naming_a_title_holder_holds_the_title():
    people = People.of(ARTICLE)
    assert people.titles_named(["what", "did", "the", "challenger", "want"], ["gomes", "sued"]) == ["challenger"]
    assert people.titles_named(["what", "did", "the", "challenger", "want"], ["clark", "ruled"]) == []


def test_a_sentence_introducing_a_person_answers_who_they_are_and_who_holds_the_title():
    people = People.of(ARTICLE)
    assert people.introduces("Superior Court Judge William Clark tossed out the results.", ["judge"])
    assert people.introduces("Superior Court Judge William Clark tossed out the results.", ["william", "clark"])
    assert people.introduces("It was nominated by Democratic Gov. Ned Lamont in 2021.", ["governor"])
    assert not people.introduces("“The judge ruled the way he did,” Bloss said.", ["judge"])


def test_reported_speech_is_said_by_whom_it_names_as_saying_it():
    people = People.of(ARTICLE)
    assert people.reported("Clark said the ballots were mishandled.") == {"clark"}
    assert people.reported("It was fraud, according to lawyer Bill Bloss.") == {"bloss"}
    assert people.reported("According to Bloss, it was fraud.") == {"bloss"}
    assert people.reported("Gomes spoke to reporters, saying the fight goes on.") == {"gomes"}
    assert people.reported("Gomes sued after the primary.") == set()  # no verb of saying
    assert people.reported("The Gomes campaign said a woman is seen in the video.") == {"gomes"}  # speaks for him
    assert people.reported("“Clark said it,” he wrote.") == set()  # inside a quotation it is not reported


def test_he_went_on_to_say_is_said_by_whoever_last_spoke_before():
    people = People.of(ARTICLE)
    before = '"We didn\'t expect it," Gomes said. "We are not defeated."'  # the last sentence quotes only
    assert people.reported("He went on to say that his campaign will regroup.", before) == {"gomes"}
    assert people.reported("He went on to say that his campaign will regroup.") == set()
    assert people.reported("He went to court.", before) == set()  # no verb of saying
    assert people.reported("She added that it was over.", "Clark said it. Bloss said no.") == {"bloss"}


def test_titles_are_read_with_the_full_name_they_are_given():
    assert titled("Democratic Mayor Joe Ganim won. Election Day is Tuesday; the day is near.") == [
        ("democratic", ("joe", "ganim")), ("mayor", ("joe", "ganim"))]


def test_an_article_inherits_a_title_it_gives_nobody_for_the_people_it_names_in_full():
    elsewhere = {"mayor": {("joe", "ganim"), ("ann", "lee")}, "judge": {("bill", "clark")}}
    people = People.of(ARTICLE).inherit(elsewhere, ARTICLE + " Joe Ganim voted. Lee voted.")
    assert people.titles["mayor"] == {"joe", "ganim"}  # Lee is not named in full here: maybe another Lee
    assert people.titles["judge"] == {"william", "clark"}  # the article's own judge stays
    assert people.meant(["what", "did", "the", "mayor", "say"]) == {"joe", "ganim"}
    assert "mayor" not in People.of(ARTICLE).inherit(elsewhere, ARTICLE).titles
