"""Question types and the answer types a sentence holds (pure functions)."""

import pytest

from chatbot.lexical import Bm25, terms
from chatbot.scoring import IDENTITY, ROLE_OF, coverage, kind_words, named_noun, names, question_type, type_match


@pytest.mark.parametrize("question, kind", [
    ("How old is Joe Ganim?", "age"),
    ("What is Joe Ganim's age?", "age"),
    ("What is the message?", "other"),
    ("How long could the probe take?", "duration"),
    ("Over what span of time did voters turn out, according to Ganim?", "duration"),  # not a quotation
    ("How much time did the count take?", "duration"),
    ("How many votes did he win by?", "number"),
    ("What phone number can people call to report fraud?", "number"),  # a number asked for, not what one called
    ("What is Rowena White's role?", "occupation"),
    ("What position does Stephanie Thomas hold?", "occupation"),
    ("What is Gomes's position on the results?", "other"),  # a stance, not a job
    ("When did Thomas hold her briefing?", "date"),
    ("On what exact date was the do-over held?", "date"),
    ("On what calendar date was the do-over primary held?", "date"),
    ("Under what label did the challenger compete in November?", "party"),
    ("How did Thomas characterize what she had seen?", "quote"),
    ("Who nominated him?", "person"),
    ("Why couldn't the judge stop the election?", "reason"),
    ("What would happen to the lawsuit if the challenger came out on top?", "condition"),
    ("and if Ganim wins instead?", "condition"),  # after "What happens if Gomes wins?"
    ("What happened to the ballots?", "other"),
    ("What did Gomes say?", "quote"),
    ("How did Judge Clark describe the results?", "quote"),
    ("Who said the videos don't lie?", "person"),
    ("What did the judge order?", "other"),
    ("What did Ganim declare when he claimed victory?", "quote"),  # the first wh-phrase decides, not "when"
    ("Why did the judge say he couldn't tell who won?", "reason"),
    ("Within how many days must they meet?", "number"),
    ("How narrow was the incumbent's first primary margin?", "number"),  # a size, given as a number
    ("how large a jump in turnout did he boast about?", "number"),
    ("Even after his loss, what did Gomes say would carry on?", "quote"),  # wherever the wh-phrase starts
    ("What political party does Lamond Daniels belong to?", "party"),
    ("Which party's primary was thrown out?", "party"),
    ("What party did the mayor hold on election night?", "other"),  # a watch party is no political party
    ("What job did John Gomes hold before running?", "occupation"),
    ("what did john gomes do for a living", "occupation"),
    ("What penalty did the employee receive?", "penalty"),
    ("Has anyone been criminally charged?", "penalty"),
    ("Did the investigation lead to criminal charges against anyone?", "penalty"),
    ("Is Stephanie Thomas a Democrat or a Republican?", "party"),
    ("According to the mayor, how many people voted?", "number"),  # a source named first, then the question
    ("According to the AP, what did Gomes say?", "quote"),
    ("According to which outlet was Clark nominated?", "person"),  # the source is asked, not its words
    ("Which radio station reported the result?", "person"),  # an organisation's name is asked, like a person's
    ("What has her office done to prepare?", "other"),  # "her office" is who acts, not which office is asked
    ("What did the court rule?", "other"),
    ("which state body is looking into it?", "person"),
    ("What did Gomes say about the charges?", "quote"),
    ("What was the consequence of the video?", "other"),
    ("What is the name of the woman in the video?", "name"),
    ("Where did John Gomes go to college?", "education"),
    ("Is Joe Ganim married?", "family"),
    ("What was the date of the original primary?", "date"),  # "what was the date" asks "what date"
    ("What's the judge's name?", "name"),
    ("judge name?", "name"),
    ("What did Gomes name his campaign?", "other"),
    ("Could the judge stop the general election?", "ability"),  # whether someone can, not what happened
    ("does her office have the power to investigate?", "ability"),
    ("Can you recommend a good lasagna recipe?", "other"),  # a request to the bot
])
def test_question_type(question, kind):
    assert question_type(question) == kind


@pytest.mark.parametrize("kind, sentence, holds", [
    ("date", "During a news conference Monday evening, Thomas said so.", True),
    ("date", "In a speech about an hour after polls closed, Ganim spoke.", True),
    ("date", "There's no word yet on when Ganim might be sworn in.", False),
    ("duration", "The investigation could take up to a year.", True),
    ("duration", "Thomas urged the commission to move swiftly.", False),
    ("age", "Ganim, 64, spoke to supporters.", True),
    ("age", "The fourth time might be the charm for Joe Ganim.", False),
    ("age", "The 64-year-old mayor spoke.", True),
    ("number", "Ganim won by 251 votes.", True),
    ("number", "Ganim won the primary.", False),
    ("quote", "“Conceding, no,” Gomes said.", True),
    ("quote", "Gomes spoke moments later to his supporters.", False),
    ("condition", "If Gomes wins, he would withdraw the complaint.", True),
    ("condition", "Gomes spoke moments later to his supporters.", False),
])
def test_type_match(kind, sentence, holds):
    assert type_match(kind, sentence, "question?") == (1.0 if holds else 0.0)


@pytest.mark.parametrize("question, sentence, holds", [
    ("What year was Ganim first elected?", "Ganim won again on Tuesday.", False),
    ("What year was Ganim first elected?", "Ganim was first elected in 1991.", True),
    ("What time did the polls close?", "Voters go to the polls next week.", False),
    ("What time did the polls close?", "Polls closed at 8 p.m. on Tuesday.", True),
    ("What time did the polls close?", "In a speech about an hour after polls closed, Ganim spoke.", False),
    ("What time did Ganim vote?", "The candidates voted early in the morning.", True),
    ("When did the polls close?", "Voters go to the polls next week.", True),
    ("What date was the primary held?", "The only way is to come out and vote today.", False),
    ("What date was the primary held?", "The results of a Sept. 12 primary were tossed out.", True),
    ("On what exact date was the primary held?", "Clark was nominated in 2021.", False),
    ("On what exact date was the primary held?", "The results of a Sept. 12 primary were tossed out.", True),
    # a month is no day: "September's primary" does not say on what date it was
    ("What was the date of the original primary?", "A video surfaced ahead of September's primary.", False),
    ("What was the date of the original primary?", "The results of a Sept. 12 primary were tossed out.", True),
    ("What day is the election?", "Voting is still set for Tuesday.", True),
])
def test_a_year_a_time_of_day_or_a_calendar_day_asked_for_is_not_any_date(question, sentence, holds):
    assert type_match("date", sentence, question) == (1.0 if holds else 0.0)


@pytest.mark.parametrize("question, sentence, holds", [
    ("How long has Rowena White worked there?", "Ganim is looking forward to the next four years.", False),
    ("How long has Rowena White worked there?", "Rowena White has worked there for six years.", True),
    ("How long could the SEC investigation take?", "The investigation could take up to a year.", True),
])
def test_how_long_someone_has_done_something_is_a_time_said_of_them(question, sentence, holds):
    assert type_match("duration", sentence, question) == (1.0 if holds else 0.0)


@pytest.mark.parametrize("question, sentence, holds", [
    ("How many votes separated them?", "Ganim won by 251 votes.", True),
    ("How many votes separated them?", "The Sept. 12 primary was thrown out.", False),  # a number, but not of votes
    ("How many more voters came out?", "About 1,000 more voters came out this time.", True),
    ("How many more people showed up?", "About 1,000 more voters came out this time.", True),  # people, any noun
    ("How many more people showed up?", "They came out in the first primary, too.", False),  # "first" is no more
    ("How many more votes did Ganim get than Gomes?", "Ganim won by 251 votes.", True),  # a margin is how many more
    ("How many primaries has he won?", "He has won two primaries and two elections.", True),
    ("Exactly how many absentee ballots were mishandled?", "Absentee ballots were mishandled on Sept. 12.", False),
    ("How many absentee ballots were cast?", "She made several drops into an absentee ballot box.", False),  # drops
    ("How many absentee ballots were cast?", "Dozens of absentee ballots were cast.", True),
    ("How much did the new election cost?", "The election cost the city $1.2 million.", True),
    ("How much did the new election cost?", "It was the fourth election in a year.", False),
    ("How much of the vote did he get?", "He got 52 percent.", True),  # "how much" without money: any number
    ("How many votes did he get?", "Ganim won by 251 votes.", False),  # a margin is not a total
    ("How many votes did he get?", "Ganim got 12,004 votes.", True),
    ("How many votes did he win by?", "Ganim won by 251 votes.", True),
    ("How many votes did Ganim beat Gomes by?", "Ganim won by 251 votes.", True),
    ("What were the final vote totals?", "Ganim won by 251 votes.", False),
    ("What were the final vote totals?", "Ganim got 12,004 votes.", True),
])
def test_a_count_wants_a_number_of_the_counted_thing_and_a_cost_wants_money(question, sentence, holds):
    assert question_type(question) == "number"
    assert type_match("number", sentence, question) == (1.0 if holds else 0.0)


@pytest.mark.parametrize("question, sentence, holds", [
    # a party or job said of the person asked about: before the name, or after it, unless another name follows
    ("What party is Lamond Daniels?", "The ballot includes Republican David Herz and candidate Lamond Daniels.", False),
    ("What party is David Herz?", "The ballot includes Republican David Herz and candidate Lamond Daniels.", True),
    ("What is Ganim's party affiliation?", "A supporter of Democratic Mayor Joe Ganim stuffed ballots.", True),
    ("what party is gomes running with", "Ganim is on the Democratic line, while Gomes is running as an independent.",
     True),
    ("What party is Stephanie Thomas?", "Ganim is on the Democratic line.", False),
    ("What party is the mayor?", "Ganim is on the Democratic line.", True),  # nobody named: any party will do
    ("What job did John Gomes hold?", "If Gomes wins, his attorney William Bloss said, he would withdraw.", False),
    ("What job did John Gomes hold?", "Gomes, a former city official, sued.", True),
    ("What does Bill Bloss do for a living?", "“The videos don’t lie,” said lawyer Bill Bloss.", True),
    ("Where did Gomes go to college?", "Gomes, a University of Bridgeport graduate, spoke.", True),
    ("Is Joe Ganim married?", "Ganim thanked his supporters.", False),
    # a penalty or charge is said in so many words
    ("What penalty did the employee receive?", "The video shows a city hall employee at the box.", False),
    ("Has anyone been charged?", "No one has been charged so far.", True),
    # the name of a person is given beside the noun asked about; of a thing, any new name may be it
    ("What is the name of the woman seen in the video?", "We've blurred the face of the woman in it.", False),
    ("What is the name of the employee caught on video?", "It shows an employee and Ganim supporter at the box.", False),
    ("What is the name of the employee caught on video?", "It shows city hall employee Wanda Geter at the box.", True),
    ("What's the name of the Secretary of the State?", "Secretary of the State Stephanie Thomas spoke.", True),
    ("What is the name of the hotline?", "Fraud can be reported to the CT Election Day Hotline.", True),
    ("What is the name of the station that reported it?", "It was first reported by NBC Connecticut.", True),
])
def test_a_party_job_penalty_or_name_must_be_said_of_whom_the_question_asks_about(question, sentence, holds):
    assert type_match(question_type(question), sentence, question) == (1.0 if holds else 0.0)


@pytest.mark.parametrize("sentence, holds", [
    ("The judge has no authority to halt an election, so voting is still set for Tuesday.", True),
    ("The Secretary of the State's Office does not have jurisdiction to investigate.", True),
    ("Connecticut law requires that only a voter or a voter's designee can drop a ballot in the box.", True),
    ("The result of next week's general election will determine what happens next.", False),
])
def test_whether_someone_can_is_answered_by_a_sentence_saying_what_they_can_or_cannot_do(sentence, holds):
    question = "Could the judge stop the general election from going ahead?"
    assert type_match(question_type(question), sentence, question) == (1.0 if holds else 0.0)


def test_a_capitalised_word_opening_a_sentence_is_not_part_of_a_name():
    assert names("Judge William Clark tossed it out.") == ["Judge William Clark"]
    assert names("In Connecticut, it's only legal for a few.") == []  # a place, not a person's name
    assert names("The Gomes campaign said Ned Lamont spoke.") == ["Ned Lamont"]
    # so "who" is not answered by a sentence whose only capitalised words are its first two
    assert type_match("person", "In Connecticut, only some may.", "In CT, who is allowed?") == 0.0


def test_who_wants_a_name_other_than_the_one_asked_about():
    assert type_match("person", "The fourth time might be the charm for Joe Ganim.", "Who ran against Ganim?") == 0.0
    assert type_match("person", "Ganim defeated challenger John Gomes.", "Who ran against Ganim?") == 1.0
    assert type_match("person", "Superior Court Judge William Clark ruled.", "Which judge ruled?") == 1.0


@pytest.mark.parametrize("question, sentence, holds", [
    ("Where was the box?", "She made drops into a ballot box outside the government center.", True),
    ("Where did the mayor celebrate?", "Ganim took to the stage at his watch party.", True),
    ("Where did Gomes speak?", "Gomes spoke at City Hall on Tuesday.", True),
    ("Where was the box?", "A woman is seen putting absentee ballots in the box.", False),  # the box is what is asked
    ("Where did the Bridgeport police chief speak?", "Police in Bridgeport are investigating.", False),
    ("Where did Ganim speak?", "At the end of the day, Ganim spoke in September.", False),
    # an occasion says where someone did something, not where something is
    ("Where did Gomes talk about the video?", "Gomes discussed the video during an afternoon press conference.", True),
    ("Where is her office?", "During a news conference Monday, Thomas said her office has no jurisdiction.", False),
])
def test_where_wants_a_place_the_question_does_not_already_name(question, sentence, holds):
    assert type_match("place", sentence, question) == (1.0 if holds else 0.0)


@pytest.mark.parametrize("sentence, holds", [
    ("The judge has no authority to halt an election, so voting is still set for Tuesday.", True),
    ("The volume of ballots so mishandled is such that it calls the result into serious doubt.", True),
    ("Gomes is running as an independent because he lost the primary.", True),
    ("The reason was the video.", True),
    ("“And that was certainly a substantial reason why the judge ruled the way he did, I think.”", False),
    ("This is why the judge ruled.", False),
    ("That was the case because of the video.", True),
    ("Voting is still set for Tuesday.", False),
])
def test_why_wants_a_reason_said_in_the_sentence_not_one_pointed_back_at(sentence, holds):
    assert type_match("reason", sentence, "Why did the judge rule?") == (1.0 if holds else 0.0)


def test_the_words_saying_what_kind_of_answer_is_wanted_are_told_apart():
    assert "job" in kind_words("What is Rowena White's job?")
    assert kind_words("When was John Gomes born?") == ("when",)
    assert kind_words("Why did Gomes sue?") == ("why",) and kind_words("Tell me more.") == ()


def test_who_did_something_is_not_answered_by_whom_a_sentence_is_attributed_to():
    cited = "“This is a victory for the people of Bridgeport,” Gomes said, according to The Associated Press."
    assert type_match("person", cited, "Who won the race?") == 0.0
    assert type_match("person", cited, "Which news service reported the quote?") == 1.0  # there the outlet is asked


def test_earlier_turns_terms_count_anywhere_in_the_passage_and_the_question_chooses_the_sentence():
    index = Bm25(["gomes lawyer bloss", "videos showed misconduct", "videos lie"])
    # "What did he say the videos showed?" after "Who was Gomes's lawyer?"
    query = {**{t: 0.4 for t in terms("lawyer Bloss")}, **{t: 1.0 for t in terms("videos showed")}}
    passage = "Lawyer Bill Bloss spoke. The videos showed misconduct. The videos don't lie, said Bloss."
    showed = coverage(query, "The videos showed misconduct.", "", index.idf, passage)
    lie = coverage(query, "The videos don't lie, said Bloss.", "", index.idf, passage)
    assert showed == 1.0 > lie
    assert coverage(query, "The videos showed misconduct.", "", index.idf) < 1.0  # without the passage


def test_a_term_the_sentence_holds_by_reference_counts_as_covered():
    index = Bm25(["mayor ganim won", "ganim spoke", "the mayor"])
    query = {t: 1.0 for t in terms("mayor won")}
    assert coverage(query, "Ganim won.", "", index.idf) < 1.0
    assert coverage(query, "Ganim won.", "", index.idf, held=["mayor"]) == 1.0  # Mayor Joe Ganim


@pytest.mark.parametrize("question, asked", [
    ("Who is the incumbent mayor?", "incumbent mayor"),
    ("Who was Rowena White?", "Rowena White"),
    ("Who is the communications director who spoke at the event?", "communications director"),
    ("who was the one that went to court?", "one"),  # not a title: no sentence introduces "one"
    ("Who won the primary?", None),
    ("Who is investigating the alleged misconduct?", None),  # who does something, not who someone is
    ("Who is Sterling Jones?", "Sterling Jones"),
])
def test_an_identity_question_names_who_it_asks_about(question, asked):
    match = IDENTITY.match(question)
    assert (match.group(1).strip() if match else None) == asked


def test_the_noun_whose_name_is_asked_is_read_with_its_head_last():
    assert named_noun("What is the name of the woman seen in the video?") == ["woman"]
    assert named_noun("What is the name of Bridgeport's incumbent mayor?") == ["bridgeport", "incumbent", "mayor"]
    assert named_noun("Who won the primary?") == []
    assert named_noun("What's the judge's name?") == named_noun("judge name?") == ["judge"]
    assert named_noun("What is Gomes's lawyer's name?") == ["gomes", "lawyer"]


@pytest.mark.parametrize("sentence, holds", [
    ("Ganim claims he has also won two mayoral elections.", False),
    ("Ganim defeated challenger John Gomes by 251 votes.", True),
    ("Ganim won 52 percent of the vote.", True),
])
def test_a_margin_of_victory_is_a_margin_not_any_number(sentence, holds):
    question = "What was Ganim's margin of victory in the election?"
    assert question_type(question) == "number"
    assert type_match("number", sentence, question) == (1.0 if holds else 0.0)


def test_a_percentage_asked_for_is_a_share_not_a_count():
    question = "What percentage of the vote did David Herz get?"
    assert type_match("number", "Ganim defeated challenger John Gomes by 251 votes.", question) == 0.0
    assert type_match("number", "Herz won 12% of the vote.", question) == 1.0
    assert type_match("number", "Herz won 12 percent of the vote.", question) == 1.0


@pytest.mark.parametrize("question, role", [
    ("Who is Connecticut's Secretary of the State?", "Secretary of the State"),
    ("who is john gomes's campaign manager", "campaign manager"),
    ("who's the state's top election official in connecticut?", "top election official"),
    ("Who is the mayor?", None), ("Who won Ganim's race?", None),
    ("Who is the communications director who spoke at Ganim's event?", None),  # whose title is asked: no one's
])
def test_who_holds_someones_title_reads_the_title(question, role):
    found = ROLE_OF.match(question)
    assert (found.group(1).strip() if found else None) == role

