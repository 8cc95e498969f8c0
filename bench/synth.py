"""Synth: a deterministic archive of synthetic local-news articles for the benchmark.

`write_archive(folder, n)` writes `n` short articles (4-6 sentences in two or three paragraphs) as
`syn_000000.txt` ... Each article picks a beat (council budget, courts, elections, storms, schools,
transit, business, health, crime, sports, environment, culture), a town, two or three people with
roles and fills news-style sentence templates; some articles start with a `date YYYY-MM-DD` tag and
some carry publisher boilerplate, as the real articles do. Article `i` depends only on `(seed, i)`,
so the first 200 articles of a 10,000-article archive are the 200-article archive.

Every sentence is checked against `banned` (the golden questions' answer strings, folded like
`chatbot.evaluation` folds them): a synthetic passage can therefore never be counted as a hit, and any
hit in a large archive comes from the real articles mixed into it.

What it leaves out: truth (every name and fact is invented) and long articles.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

__all__ = ["article", "write_archive", "golden_answers", "fold"]

FIRST = """James Maria Robert Linda Michael Patricia David Jennifer William Elizabeth Richard Susan Thomas
Jessica Charles Sarah Daniel Karen Matthew Nancy Anthony Lisa Mark Betty Donald Sandra Steven Ashley Paul
Kimberly Andrew Emily Kenneth Donna Kevin Michelle Brian Carol George Amanda Timothy Melissa Ronald Deborah
Jason Laura Edward Rebecca Jeffrey Sharon Ryan Cynthia Jacob Kathleen Gary Amy Nicholas Angela Eric Shirley
Jonathan Anna Larry Brenda Justin Pamela Scott Emma Brandon Nicole Benjamin Helen Samuel Samantha Gregory
Katherine Alexander Christine Frank Debra Raymond Rachel Patrick Carolyn Tyler Janet Aaron Ruth Jose Olivia
Adam Heather Nathan Diane Henry Julie Zachary Joyce Douglas Victoria Peter Kelly Kyle Lauren Noah Christina
Ethan Joan Jeremy Evelyn Walter Judith Christian Megan Keith Andrea Roger Cheryl Terry Hannah Austin Jacqueline
Sean Martha Gerald Gloria Carl Teresa Harold Ann Dylan Sara Arthur Madison Lawrence Frances Jordan Kathryn
Jesse Janice Bryan Jean Billy Abigail Bruce Alice Gabriel Judy Logan Sophia Alan Grace Juan Denise Wayne
Amber Elijah Doris Randy Marilyn Roy Danielle Vincent Beverly Ralph Isabella Eugene Theresa Russell Diana
Bobby Natalie Mason Brittany Philip Charlotte Louis Marie Priya Wei Omar Fatima Luis Mei Rafael Aisha Dmitri
Yolanda Tariq Ingrid Kwame Rosa Hiroshi Anika Mateo Leila Sven Nadia Tomas Ines Kofi Marisol""".split()

LAST = """Smith Johnson Williams Brown Jones Miller Davis Garcia Rodriguez Wilson Martinez Anderson Taylor
Thomas Hernandez Moore Martin Jackson Thompson Lee Perez Harris Sanchez Lewis Robinson Walker Young Allen
King Wright Scott Torres Nguyen Hill Flores Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts
Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers
Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks
Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross
Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher
Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole
Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison
Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford
Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner
Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols
Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kowalski Okafor Lindqvist Bergstrom Nakamura Haddad
Abernathy Delgado Fitzgerald Osei Petrov Moretti Costa Novak Szabo Yilmaz Achebe Larsen Quinlan Ferreira""".split()

TOWNS = """Bridgeport Stamford Norwalk Danbury Waterbury Meriden Bristol Milford Stratford Fairfield Trumbull
Shelton Ansonia Derby Naugatuck Torrington Middletown Wallingford Hamden Cheshire Southington Manchester
Enfield Glastonbury Vernon Windham Willimantic Norwich Groton Mystic Stonington Westerly Putnam Killingly
Plainville Newington Wethersfield Simsbury Avon Farmington Berlin Cromwell Portland Haddam Essex Guilford
Madison Branford Orange Woodbridge Seymour Oxford Monroe Newtown Brookfield Ridgefield Wilton Westport
Darien Greenwich Pittsfield Springfield Holyoke Chicopee Worcester Lowell Providence Pawtucket Warwick
Cranston Yonkers Poughkeepsie Kingston Albany Schenectady Utica Burlington Rutland Concord Nashua Manchester
Portland Bangor Lewiston""".split()

MONTHS = "January February March April May June July August September October November".split()
DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
PARTS = ["morning", "afternoon", "night", "evening"]

STREETS = """Main Elm Maple Oak Park Washington Broad State Church Water Chapel Grove Lake Hill River
Cedar Pine Spring Union Prospect Summer Winter Highland Mill Bank Court""".split()

BEATS: dict[str, dict] = {
    "budget": {
        "roles": ["City Council President", "Finance Director", "council member", "mayor's chief of staff",
                  "budget analyst", "Board of Finance chair", "town manager", "First Selectman"],
        "lead": [
            "The {town} City Council approved a {money} budget on {day} after a {hours}-hour debate over property taxes.",
            "{town} residents will see their tax rate rise by {small} mills under a spending plan adopted {day} {part}.",
            "A proposed {money} spending plan in {town} drew sharp criticism from homeowners at a crowded hearing on {day}.",
            "{town} officials unveiled a budget on {day} that would cut {small} positions and delay road repairs.",
        ],
        "body": [
            "{name}, the {role}, said the increase was needed to cover rising pension and health insurance costs.",
            "\"We trimmed everything we could, and this is still the hardest budget I have seen,\" {name} said.",
            "Critics argued that the city had leaned on one-time federal money for too long.",
            "The plan sets aside {money} for street paving and {money2} for a new fire truck.",
            "{name} voted against the measure, saying seniors on fixed incomes could not absorb another increase.",
            "The vote was {votes_for} to {votes_against}, with one member abstaining.",
            "Under the plan, the median homeowner would pay about {dollars} more per year.",
            "Library hours would be reduced on weekends to save roughly {dollars2} dollars.",
            "Union leaders said they would push for a new contract before the fiscal year ends in June.",
            "A second hearing is scheduled for {month} {date} at the {street} Street community center.",
        ],
    },
    "court": {
        "roles": ["Superior Court Judge", "defense attorney", "state prosecutor", "public defender",
                  "plaintiff's lawyer", "court spokesperson", "Appellate Court Judge", "legal analyst"],
        "lead": [
            "A {town} jury found a former contractor guilty on {day} of defrauding elderly homeowners of {money}.",
            "{role_cap} {name} ruled on {day} that the town of {town} violated its own zoning rules when it approved a warehouse.",
            "A lawsuit filed {day} accuses the {town} Housing Authority of ignoring mold complaints for years.",
            "The state Supreme Court agreed on {day} to hear an appeal over a disputed land sale in {town}.",
        ],
        "body": [
            "{name}, the {role}, told reporters the verdict sent a message that such schemes would be punished.",
            "The defendant faces up to {years} years in prison when he is sentenced in {month}.",
            "\"My client intends to appeal, and we are confident the higher court will see this differently,\" {name} said.",
            "In a {pages}-page decision, the judge wrote that the approval process had been rushed.",
            "Tenants described buckets catching water in hallways and children with persistent coughs.",
            "The authority said in a statement that repairs were already under way in {small} buildings.",
            "Neighbors had packed the zoning hearings for months, arguing the warehouse would bring truck traffic.",
            "{name} said the ruling could affect similar projects across the region.",
            "Jury selection took {small} days, and testimony lasted nearly three weeks.",
            "A status conference was set for {month} {date}.",
        ],
    },
    "election": {
        "roles": ["Democratic candidate", "Republican nominee", "town clerk", "registrar of voters",
                  "campaign manager", "state representative", "city council candidate", "party chair"],
        "lead": [
            "{name} won the race for {town} mayor on {day}, defeating {name2} by {votes} votes.",
            "Turnout in the {town} municipal election reached {pct} percent, the highest in a decade, according to the registrar.",
            "A recount in the {town} council race confirmed {name}'s narrow victory on {day}.",
            "{name} announced {day} a run for the state Senate seat representing {town}.",
        ],
        "body": [
            "{name2} called to concede shortly after {clock} p.m. and pledged to help with the transition.",
            "\"Voters told us they want safer streets and a government that answers the phone,\" {name} said.",
            "The {role} said the recount found only {small} discrepancies, none of which changed the outcome.",
            "{name} spent much of the campaign knocking on doors in the city's north end.",
            "Polling places on {street} Street saw lines of more than an hour in the late afternoon.",
            "Election officials said mailed ballots were counted by {clock} p.m. without any major problems.",
            "The new council will be sworn in on {month} {date}.",
            "{name2} had run on a promise to freeze property taxes for two years.",
            "Campaign finance reports show the two candidates together raised more than {money}.",
            "Several voters said parking near the polling station was hard to find.",
        ],
    },
    "storm": {
        "roles": ["emergency management director", "fire chief", "utility spokesperson", "public works director",
                  "meteorologist", "mayor", "state trooper", "Red Cross volunteer"],
        "lead": [
            "A fast-moving storm knocked out power to more than {thousands} customers in {town} on {day} {part}.",
            "Heavy rain flooded several streets in {town} on {day}, stranding drivers and closing the {street} Street bridge.",
            "Crews in {town} were still clearing fallen trees {day} after winds gusting to {mph} miles per hour swept the region.",
            "A snowstorm dropped {inches} inches on {town} overnight, and officials asked residents to stay off the roads.",
        ],
        "body": [
            "{name}, the {role}, said crews would work around the clock until every line was restored.",
            "A warming center opened at the high school for residents without heat.",
            "\"We had trees on houses, trees on cars and wires down on nearly every block,\" {name} said.",
            "The utility said most customers should have power back by {day} night.",
            "Two people were taken to the hospital with minor injuries after a tree struck their car.",
            "Firefighters rescued a family from a basement apartment as water rose to the windows.",
            "Officials urged residents to report downed wires and never to approach them.",
            "Schools in {town} will open two hours late on {day}.",
            "Forecasters expect another {inches} inches of rain before the weekend.",
            "The parking ban on {street} Street remains in effect until further notice.",
        ],
    },
    "schools": {
        "roles": ["superintendent", "school board chair", "principal", "teachers union president",
                  "PTA president", "assistant superintendent", "school nurse", "board member"],
        "lead": [
            "The {town} school board voted {day} to start high school classes {small} minutes later next fall.",
            "{town} Public Schools will add {small} new reading specialists after test scores fell for a second year.",
            "Parents in {town} packed a school board meeting on {day} to protest a plan to close {street} Street Elementary.",
            "A new science wing opened at {town} High School on {day}, two years after ground was broken.",
        ],
        "body": [
            "{name}, the {role}, said research shows teenagers learn better when they get more sleep.",
            "\"Closing a neighborhood school tears at the fabric of a community,\" {name} told the board.",
            "The district says enrollment has dropped by {pct} percent since 2015.",
            "Bus routes will have to be redrawn before the change takes effect.",
            "The wing includes four laboratories, a greenhouse and a robotics room.",
            "{name} said the district would hold listening sessions in every neighborhood this spring.",
            "Teachers said class sizes in the early grades had climbed above {small_plus} students.",
            "The project cost {money}, most of it covered by state construction grants.",
            "Students will be able to take part in a new internship program with local manufacturers.",
            "The board is expected to take a final vote in {month}.",
        ],
    },
    "transit": {
        "roles": ["transit district director", "state transportation commissioner", "bus driver", "commuter advocate",
                  "traffic engineer", "planning director", "rail spokesperson", "council member"],
        "lead": [
            "Commuters on the {town} line faced delays of up to {minutes} minutes on {day} after a signal failure.",
            "The state will spend {money} to rebuild the {street} Street interchange in {town}, officials said {day}.",
            "{town} launched a free weekend bus route on {day} connecting downtown with the waterfront.",
            "A plan to add bike lanes on {street} Street in {town} won approval {day} after months of debate.",
        ],
        "body": [
            "{name}, the {role}, apologized to riders and said the equipment was more than forty years old.",
            "\"This corridor carries {thousands} cars a day, and it was never designed for that,\" {name} said.",
            "Construction is expected to start in {month} and last about two years.",
            "Merchants worried that losing parking spaces would drive away customers.",
            "Ridership on the pilot route reached {hundreds} passengers on its first weekend.",
            "Some trains were replaced by buses between the two busiest stations.",
            "{name} urged drivers to plan for detours once work begins.",
            "The bike lanes will be separated from traffic by a curb and planters.",
            "Advocates said the changes would make the street safer for children walking to school.",
            "A public information session is planned for {month} {date}.",
        ],
    },
    "business": {
        "roles": ["chief executive", "economic development director", "plant manager", "chamber of commerce president",
                  "shop owner", "labor organizer", "company spokesperson", "state economic commissioner"],
        "lead": [
            "A medical device maker will bring {hundreds} jobs to {town} after agreeing {day} to lease a vacant factory.",
            "The last department store in downtown {town} will close in {month}, its owners said {day}.",
            "A family-owned bakery on {street} Street in {town} celebrated its {anniv}th anniversary on {day}.",
            "Workers at a {town} warehouse voted {day} to join a union, the first such vote at the company in the state.",
        ],
        "body": [
            "{name}, the {role}, said the town offered tax breaks worth {money} over ten years.",
            "\"We looked at sites in three states, and {town} had the workforce we need,\" {name} said.",
            "The building has been empty since the previous owner moved production overseas.",
            "Customers lined up before dawn for the bakery's famous apple fritters.",
            "The company said it would respect the outcome of the vote and begin bargaining.",
            "{name} said rising rents and online shopping had made the store impossible to keep open.",
            "About {small_plus} employees will be offered jobs at other locations.",
            "The chamber estimates that the new plant will add {money} a year to the local economy.",
            "Hiring is expected to begin in {month}, with most positions paying above the regional average.",
            "Neighbors said they hoped the site would bring new life to the riverfront.",
        ],
    },
    "health": {
        "roles": ["hospital president", "health director", "chief nursing officer", "epidemiologist",
                  "clinic manager", "state health commissioner", "pediatrician", "patient advocate"],
        "lead": [
            "{town} Hospital will open a new emergency department in {month}, officials announced {day}.",
            "Health officials in {town} reported {small_plus} cases of flu in the past week, well above last year's pace.",
            "A free dental clinic in {town} treated more than {hundreds} patients over the weekend.",
            "The {town} health department issued a boil-water advisory on {day} after a main break on {street} Street.",
        ],
        "body": [
            "{name}, the {role}, said the expansion would cut waiting times in half.",
            "\"People are coming to us sicker because they have put off care for too long,\" {name} said.",
            "Residents should boil tap water for at least one minute before drinking it.",
            "Volunteers included dentists and hygienists from across the state.",
            "The department is offering free vaccinations at the library on Saturdays.",
            "{name} said the hospital had struggled to hire enough nurses to staff its beds.",
            "The project was financed by a {money} bond and private donations.",
            "Officials expect the advisory to be lifted within {small} days once tests come back clean.",
            "Doctors urged people with fevers to stay home from work and school.",
            "The clinic will return in {month}.",
        ],
    },
    "crime": {
        "roles": ["police chief", "detective", "police spokesperson", "state's attorney", "neighborhood watch captain",
                  "fire marshal", "community organizer", "victim advocate"],
        "lead": [
            "Police in {town} arrested {small} people on {day} in connection with a string of car break-ins.",
            "A fire that gutted a three-family house on {street} Street in {town} is under investigation, officials said {day}.",
            "{town} police are asking for the public's help finding a driver who struck a cyclist on {day} {part}.",
            "Thieves stole catalytic converters from {small_plus} vehicles at a {town} car dealership overnight.",
        ],
        "body": [
            "{name}, the {role}, said officers recovered stolen laptops and wallets from a rented storage unit.",
            "\"Lock your doors and do not leave valuables in plain sight,\" {name} said.",
            "The cyclist was taken to the hospital with injuries that were not considered life-threatening.",
            "Firefighters said the flames spread quickly through the attic.",
            "Eleven residents were displaced and are being helped by the Red Cross.",
            "Anyone with information is asked to call the department's anonymous tip line.",
            "{name} said surveillance cameras captured a dark sedan leaving the scene.",
            "The suspects are due in court on {day}.",
            "Investigators have not said what caused the blaze.",
            "Neighbors described hearing a loud bang shortly after {clock} a.m.",
        ],
    },
    "sports": {
        "roles": ["head coach", "athletic director", "team captain", "league commissioner", "assistant coach",
                  "goalkeeper", "point guard", "team owner"],
        "lead": [
            "{town} High School won its first state basketball title in {anniv} years on {day}, beating a rival by {small} points.",
            "The minor league team in {town} will play in a renovated ballpark next season, its owners said {day}.",
            "A {town} runner set a course record at the city's half marathon on {day}.",
            "The {town} girls' soccer team reached the regional final with a {small}-1 win on {day} {part}.",
        ],
        "body": [
            "{name}, the {role}, said the team had been building toward this moment since last winter.",
            "\"Nobody gave us a chance in January, and look at us now,\" {name} said.",
            "The renovation adds new seats, a larger scoreboard and a picnic area beyond the outfield.",
            "She finished in one hour and {minutes} minutes, beating the old mark by nearly a minute.",
            "The crowd stormed the court after the final buzzer.",
            "{name} scored {small_plus} points and grabbed a dozen rebounds.",
            "Tickets for the final sold out within hours.",
            "The team will hold a parade down {street} Street on {day}.",
            "More than {thousands} runners took part despite cold and wind.",
            "The championship game is scheduled for {month} {date}.",
        ],
    },
    "environment": {
        "roles": ["conservation commission chair", "state environmental official", "biologist", "parks director",
                  "harbor master", "land trust president", "shellfish warden", "climate coordinator"],
        "lead": [
            "A {town} land trust bought {acres} acres of forest on {day} to keep it from being developed.",
            "State officials closed shellfish beds near {town} on {day} after heavy rain washed pollution into the harbor.",
            "{town} will install solar panels on {small} municipal buildings under a plan approved {day}.",
            "Volunteers pulled more than {hundreds} pounds of trash from the river in {town} on {day}.",
        ],
        "body": [
            "{name}, the {role}, said the forest shelters rare salamanders and a cold-water trout stream.",
            "\"This land will stay wild for our grandchildren,\" {name} said.",
            "The beds will reopen once water samples meet state standards.",
            "The panels are expected to save the town about {dollars} dollars a year on electricity.",
            "Among the trash were shopping carts, tires and a rusted bicycle.",
            "{name} said storm drains carry runoff from parking lots straight into the harbor.",
            "The purchase was financed by a state grant and {hundreds} private donors.",
            "Trails on the property will open to hikers in {month}.",
            "Officials hope to double the number of panels within five years.",
            "The cleanup is held every spring and has grown each year.",
        ],
    },
    "culture": {
        "roles": ["museum director", "festival organizer", "library director", "artist", "theater manager",
                  "historian", "arts council chair", "musician"],
        "lead": [
            "The {town} Museum opened an exhibit on {day} about the city's factories and the people who worked in them.",
            "Thousands of people crowded {street} Street in {town} on {day} for the annual food and music festival.",
            "The public library in {town} will stay open until {clock} p.m. on weeknights starting in {month}.",
            "A century-old theater in {town} reopened on {day} after a {money} restoration.",
        ],
        "body": [
            "{name}, the {role}, said the exhibit draws on letters and photographs donated by local families.",
            "\"These walls have seen vaudeville, movies and rock concerts, and now they get a second life,\" {name} said.",
            "Food trucks served dishes from more than {small_plus} countries.",
            "The longer hours are meant to help students and adults who work during the day.",
            "The restoration uncovered painted ceilings hidden under decades of plaster.",
            "{name} said attendance had grown every year since the festival moved downtown.",
            "Admission is free on the first Sunday of each month.",
            "The opening night show featured a local jazz band and a choir of {small_plus} singers.",
            "Organizers said proceeds will support music lessons for children.",
            "The exhibit runs through {month}.",
        ],
    },
}

BOILERPLATE = [
    "Get local news delivered to your inbox. Sign up for our morning newsletter.",
    "U.S. & World",
    "Regional News",
    "Click here to read more local stories.",
]

_NUMBERS = {
    "small": (2, 9), "small_plus": (12, 48), "hundreds": (120, 950), "thousands": (1200, 48000),
    "votes": (40, 3800), "pct": (18, 71), "years": (3, 25), "pages": (14, 88), "mph": (45, 75),
    "inches": (3, 19), "minutes": (12, 55), "anniv": (20, 95), "acres": (40, 620), "hours": (2, 7),
    "votes_for": (6, 11), "votes_against": (2, 5), "date": (1, 28), "clock": (6, 11),
}


def fold(text: str) -> str:
    """Lower case, curly quotes straightened, runs of space made one (as `chatbot.evaluation` folds)."""
    text = text.lower().replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text)


def golden_answers(path: Path) -> list[str]:
    """Every `answers` string of a golden JSONL file, folded."""
    found = set()
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            found.update(fold(a) for a in json.loads(line).get("answers") or [])
    return sorted(found)


def _money(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"${rng.randint(2, 480)}.{rng.randint(1, 9)} million"
    return f"${rng.randint(110, 990)},{rng.randint(0, 999):03d}"


def _slots(rng: random.Random, people: list[tuple[str, str]], town: str) -> dict:
    values = {key: str(rng.randint(*span)) for key, span in _NUMBERS.items()}
    values["thousands"] = f"{int(values['thousands']):,}"
    values.update(town=town, day=rng.choice(DAYS), part=rng.choice(PARTS), month=rng.choice(MONTHS),
                  street=rng.choice(STREETS), money=_money(rng), money2=_money(rng),
                  dollars=str(rng.randint(60, 900)), dollars2=f"{rng.randint(20, 400)},000")
    (name, role), (name2, _) = people[0], people[1]
    values.update(name=name, role=role, role_cap=role[:1].upper() + role[1:], name2=name2)
    return values


def article(i: int, *, seed: int = 7, banned: list[str] = ()) -> str:
    """The text of synthetic article number `i`.

    Args:
        i: the article's number; the same `(seed, i)` always gives the same text.
        seed: the archive's seed.
        banned: folded strings no sentence may contain (sentences are drawn again until none does).

    Returns:
        4-6 news sentences in 2-3 paragraphs, sometimes after a date tag or around a boilerplate line.
    """
    rng = random.Random(f"{seed}:{i}")
    beat = BEATS[rng.choice(sorted(BEATS))]
    town = rng.choice(TOWNS)
    people = [(f"{rng.choice(FIRST)} {rng.choice(LAST)}", rng.choice(beat["roles"])) for _ in range(3)]

    def fill(template: str) -> str:
        for _ in range(50):
            rng.shuffle(people)
            sentence = template.format(**_slots(rng, people, town))
            folded = fold(sentence)
            if not any(b in folded for b in banned):
                return sentence
        return ""

    lead = ""
    while not lead:
        lead = fill(rng.choice(beat["lead"]))
    body = [s for s in (fill(t) for t in rng.sample(beat["body"], rng.randint(3, 5))) if s]
    sentences = [lead, *body]
    cut = sorted(rng.sample(range(1, len(sentences)), min(len(sentences) - 1, rng.randint(1, 2))))
    paragraphs, start = [], 0
    for stop in [*cut, len(sentences)]:
        paragraphs.append(" ".join(sentences[start:stop]))
        start = stop
    if rng.random() < 0.25:
        paragraphs.insert(rng.randint(1, len(paragraphs)), rng.choice(BOILERPLATE))
    text = "\n\n".join(paragraphs) + "\n"
    if rng.random() < 0.3:
        text = f"date 2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} " + text
    return text


def write_archive(folder: Path, n: int, *, start: int = 0, seed: int = 7, banned: list[str] = ()) -> list[Path]:
    """Write synthetic articles start..n-1 into `folder` as `syn_NNNNNN.txt`.

    Returns:
        The paths written, in order.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, n):
        path = folder / f"syn_{i:06d}.txt"
        path.write_text(article(i, seed=seed, banned=banned), encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    import sys

    answers = golden_answers(Path(__file__).resolve().parent.parent / "tests" / "golden" / "questions.jsonl")
    for number in range(int(sys.argv[1]) if len(sys.argv) > 1 else 3):
        print(article(number, banned=answers))
        print("-" * 60)
