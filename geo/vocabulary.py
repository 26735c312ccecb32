"""The words events are read by, once: every trigger verb (in every inflection, generated here),
its nominalisations, the cue words that tell one kind of event from another, and the words that
say where (prepositions, place nouns) or who speaks.

Both the spatial expressions ("fired from Wonsan", "falling into the Sea of Japan") and the event
families read these lists; a word added here is read everywhere.

    >>> verb_forms("strike")["past"], verb_forms("patrol")["ing"], verb_forms("splash down")["third"]
    (('struck',), ('patrolling',), ('splashes down',))
    >>> forms_of(("shell",), "past", "ing")
    ('shelled', 'shelling')
"""
from __future__ import annotations

import re

from gazetteer.text import trie_alternation  # noqa: F401  (the triggers build their regexes with it)


def at_word(pattern: str, flags: int = 0) -> re.Pattern:
    """A regex that begins with r"\b" and a word character, to search " " + the text: it begins with
    the character before the word, which is no word character (ASCII ones in a class, others by a
    lookbehind), so that the regex engine skips to such characters instead of trying every offset.
    Its matches are those of `pattern` in the text, one character to the right."""
    return re.compile(r"(?-i:[^0-9A-Z_a-z])(?<!\w)" + pattern, flags)

# ---------------------------------------------------------------- inflection

FORMS = ("base", "third", "past", "participle", "ing")
# past and past participle of the irregular verbs the triggers use
IRREGULAR = {
    "strike": ("struck", "struck"), "shoot": ("shot", "shot"), "fall": ("fell", "fallen"), "come": ("came", "come"),
    "go": ("went", "gone"), "sink": ("sank", "sunk"), "run": ("ran", "run"), "blow": ("blew", "blown"),
    "fly": ("flew", "flown"), "overfly": ("overflew", "overflown"), "break": ("broke", "broken"),
    "hit": ("hit", "hit"), "shake": ("shook", "shaken"), "take": ("took", "taken"), "set": ("set", "set"),
    "say": ("said", "said"), "tell": ("told", "told"), "overrun": ("overran", "overrun"), "slay": ("slew", "slain"),
    "make": ("made", "made"), "catch": ("caught", "caught"), "sweep": ("swept", "swept"), "tear": ("tore", "torn"),
    "burn": ("burned", "burnt"), "hold": ("held", "held"), "spread": ("spread", "spread"),
    "shut": ("shut", "shut"), "stab": ("stabbed", "stabbed"), "seek": ("sought", "sought"),
    "fight": ("fought", "fought"), "burst": ("burst", "burst"),
}
# verbs that double their last consonant before -ed and -ing ("patrolled", "dropping", "kidnapped")
DOUBLING = frozenset({"drop", "stab", "patrol", "rob", "plan", "grab", "trap", "kidnap", "rip", "ship", "shut", "run",
                      "hit", "set", "overrun", "shop", "bat", "jab", "pin", "plot", "spot", "sit", "ban", "ram",
                      "slam", "gun"})
_VOWELS = set("aeiou")


def _third(w: str) -> str:
    if w.endswith(("s", "x", "z", "ch", "sh", "o")):
        return w + "es"
    if len(w) > 2 and w.endswith("y") and w[-2] not in _VOWELS:
        return w[:-1] + "ies"
    return w + "s"


def _past(w: str) -> str:
    if w.endswith("e"):
        return w + "d"
    if len(w) > 2 and w.endswith("y") and w[-2] not in _VOWELS:
        return w[:-1] + "ied"
    return w + (w[-1] if w in DOUBLING else "") + "ed"


def _ing(w: str) -> str:
    if w.endswith("ie"):
        return w[:-2] + "ying"
    if w.endswith("e") and not w.endswith(("ee", "ye", "oe")) and len(w) > 2:
        return w[:-1] + "ing"
    return w + (w[-1] if w in DOUBLING else "") + "ing"


def _word_forms(w: str) -> dict[str, tuple[str, ...]]:
    """The forms of one word ("strike"; "test-fire" inflects its last part: "test-fired")."""
    head, sep, last = w.rpartition("-")
    prefix = head + sep
    past, part = IRREGULAR.get(last, (None, None))
    past = past or _past(last)
    part = part or past
    forms = {"base": (last,), "third": (_third(last),), "past": (past,), "participle": (part,), "ing": (_ing(last),)}
    if last == "burn":
        forms["past"] = ("burned", "burnt")
    return {k: tuple(prefix + x for x in v) for k, v in forms.items()}


def verb_forms(lemma: str) -> dict[str, tuple[str, ...]]:
    """Every inflection of a verb, by form; a phrasal verb inflects its first word ("came down")."""
    first, _, rest = lemma.partition(" ")
    tail = " " + rest if rest else ""
    return {k: tuple(f + tail for f in v) for k, v in _word_forms(first).items()}


def forms_of(lemmas, *forms: str) -> tuple[str, ...]:
    """The chosen forms of several verbs, each once, in order ("fired", "fires", "launched", ...)."""
    out: dict[str, None] = {}
    for lemma in lemmas:
        vf = verb_forms(lemma)
        for f in forms or FORMS:
            for w in vf[f]:
                out.setdefault(w, None)
    return tuple(out)


def plural(noun: str) -> str:
    """"strike" -> "strikes", "air strike" -> "air strikes", "blaze" -> "blazes"."""
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    if len(noun) > 2 and noun.endswith("y") and noun[-2] not in _VOWELS:
        return noun[:-1] + "ies"
    return noun + "s"


def alternation(words) -> str:
    """A regex alternation of words (longest first; spaces match any white space)."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


# ---------------------------------------------------------------- the missile family's verbs

# finite forms ("fired", "fires"); impacts also "-ing" after "before"/"after" ("before falling into")
LAUNCH_VERBS = forms_of(("fire", "launch", "test-fire", "test-launch", "lift off", "take off", "loft"), "past", "third")
_IMPACT_LEMMAS = ("land", "fall", "splash down", "impact", "crash", "come down", "drop", "plunge", "splash",
                  "hit the water", "hit the sea", "plummet")
# the participle after "have"/"had" ("is believed to have fallen", "appeared to have come down"), not
# after "has" ("the first time a North Korean missile has come down in the zone" tells no new impact)
IMPACT_VERBS = forms_of(_IMPACT_LEMMAS, "past", "third") \
    + forms_of(("land", "fall", "splash down", "crash", "come down", "plunge", "splash"), "ing") \
    + tuple(f"{aux} {form}" for aux in ("have", "had") for form in forms_of(_IMPACT_LEMMAS, "participle"))
OVERFLIGHT_VERBS = forms_of(("pass over", "fly over", "overfly", "cross over", "fly across"), "past", "participle", "ing")
# the verbs that make a country the speaker of a sentence (its "our"/"its" zones)
SPEECH_VERBS = forms_of(("say",), "base", "third", "past") + forms_of(("confirm", "announce", "report", "claim"),
                                                                       "past", "third") \
    + forms_of(("tell", "add", "state"), "past") + ("according to",)

LAUNCH_PATTERN = alternation(LAUNCH_VERBS)
IMPACT_PATTERN = alternation(IMPACT_VERBS)
OVERFLIGHT_PATTERN = alternation(OVERFLIGHT_VERBS)
SPEECH_PATTERN = alternation(SPEECH_VERBS)


# ---------------------------------------------------------------- event triggers, by event type
#
# For each type (geo/events/taxonomy.py): `verbs` (lemmas; every inflection is read) and `nouns`
# (singular; plurals too) that say so on their own, `cued_verbs`/`cued_nouns` that say so only
# with one of the type's `cues` near them ("struck" is an earthquake beside "quake", a strike
# beside "missile", an attack on a ship beside "tanker"). A word several types list goes to the
# type whose cue stands nearest (a ship's types whenever a vessel is named near: the target
# decides); a plain listing is the fallback. "type#variant" keys give one type a second list of
# cues for some of its words.

VESSELS = ("ship", "vessel", "tanker", "freighter", "cargo ship", "bulk carrier", "container ship", "boat", "ferry",
           "trawler", "dhow", "yacht", "frigate", "destroyer", "warship", "corvette", "merchant", "mv", "carrier",
           "lifeboat", "dinghy", "barge", "tug", "submarine", "fishing boat", "patrol boat", "coast guard vessel",
           "oil tanker", "cargo vessel", "merchant ship", "merchant vessel", "landing ship")
# not "drone": a drone shot down is an interception, not an aircraft crash
AIRCRAFT = ("plane", "aircraft", "airliner", "jet", "jetliner", "helicopter", "chopper", "airplane", "aeroplane",
            "flight", "glider", "fighter", "cessna", "boeing", "airbus", "passenger jet", "turboprop", "seaplane",
            "floatplane", "biplane", "microlight", "air ambulance")
WEAPONS_AIR = ("missile", "missiles", "drone", "drones", "warplane", "warplanes", "jet", "jets", "aircraft",
               "air force", "airstrike", "air strike", "helicopter", "helicopters", "rocket", "rockets",
               "cruise missile", "ballistic missile", "guided bomb", "glide bomb", "shahed",
               "kamikaze drone", "air raid", "air defence", "air defense", "sirens", "interceptors", "damaged",
               "destroyed", "bombers", "strategic bombers")
FACILITIES = ("plant", "factory", "refinery", "depot", "warehouse", "mine", "pipeline", "chemical", "chemicals",
              "fuel", "oil terminal", "facility", "power station", "mill", "workshop", "storage", "reactor",
              "fireworks", "gas", "industrial", "colliery", "smelter", "petrochemical", "coal mine", "gold mine",
              "copper mine", "miners")
QUAKE = ("earthquake", "quake", "tremor", "temblor", "magnitude", "seismic", "epicentre", "epicenter", "aftershock")
STORMS = ("typhoon", "hurricane", "cyclone", "tropical storm", "storm", "superstorm", "landfall", "winds", "tornado",
          "tornadoes", "twister")
WAR = ("forces", "troops", "soldiers", "army", "militants", "rebels", "fighters", "gunmen", "insurgents", "militia",
       "militiamen", "jihadists", "attackers", "weapons", "artillery", "killed", "wounded", "positions", "offensive",
       "frontline", "front", "airstrikes", "shelling", "military", "regime", "terrorists", "villages", "checkpoint")
PEOPLE = ("soldier", "soldiers", "journalist", "journalists", "hostage", "hostages", "civilians", "aid worker",
          "aid workers", "people", "him", "her", "them", "men", "women", "children", "villagers", "students",
          "tourists", "workers", "fighters", "troops", "officers", "policemen", "crew")

TRIGGER_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "ship_attack": {"cued_verbs": ("attack", "strike", "hit", "target", "fire on", "fire at", "launch at", "damage",
                                   "ram"),
                    "cued_nouns": ("attack", "strike", "explosion", "blast", "drone attack", "missile attack"),
                    "cues": VESSELS},
    # a ship sunk by a weapon was attacked ("sea drones had sunk a Russian landing ship")
    "ship_attack#weapon": {"cued_verbs": ("sink",), "cued_nouns": ("sinking",),
                           "cues": ("drone", "sea drone", "naval drone", "missile", "torpedo", "mine", "strike",
                                    "attack", "shelling", "warplane")},
    "ship_seizure": {"cued_verbs": ("seize", "board", "hijack", "detain", "capture", "commandeer", "intercept"),
                     "cued_nouns": ("seizure", "boarding", "hijacking", "capture"), "cues": VESSELS},
    "ship_accident": {"verbs": ("capsize", "run aground"),
                      "nouns": ("capsizing", "shipwreck", "grounding"),
                      "cued_verbs": ("sink", "collide", "crash", "go down", "ground", "founder", "catch fire",
                                     "ram into", "slam into", "smash into", "plough into", "plow into"),
                      "cued_nouns": ("sinking", "collision"), "cues": VESSELS},
    "aircraft_crash": {"nouns": ("plane crash", "air crash", "helicopter crash", "crash landing", "crash-landing",
                                 "mid-air collision", "midair collision"),
                       "verbs": ("crash-land",),
                       "cued_verbs": ("crash", "come down", "go down", "shoot down", "plunge", "plummet", "collide"),
                       "cued_nouns": ("crash", "collision"), "cues": AIRCRAFT},
    "nuclear_test": {"nouns": ("nuclear test", "nuclear explosion", "nuclear detonation", "atomic test",
                               "underground nuclear test"),
                     "cued_verbs": ("detonate", "explode"), "cues": ("nuclear", "atomic", "thermonuclear")},
    "industrial": {"cued_nouns": ("explosion", "blast", "fire", "blaze", "inferno"),
                   "cued_verbs": ("explode", "catch fire", "burn", "blow up"), "cues": FACILITIES},
    "earthquake": {"nouns": ("earthquake", "quake", "tremor", "temblor", "aftershock"),
                   "cued_verbs": ("strike", "hit", "jolt", "shake", "rock", "rattle"), "cues": QUAKE},
    "tsunami": {"nouns": ("tsunami", "tidal wave"), "cued_verbs": ("hit", "strike", "sweep", "inundate"),
                "cues": ("tsunami", "tidal wave", "waves")},
    "flood": {"nouns": ("flood", "flooding", "flash flood", "deluge", "inundation", "floodwater"),
              "cued_nouns": ("mudslide", "landslide"),
              "verbs": ("flood", "inundate", "submerge", "burst its banks"),
              "cued_verbs": ("hit", "strike", "sweep", "swamp"), "cues": ("flood", "floods", "flooding", "rains",
                                                                          "floodwaters", "torrential", "rain",
                                                                          "buried", "mud", "debris", "downpours")},
    "wildfire": {"nouns": ("wildfire", "bushfire", "forest fire", "brush fire", "grass fire", "wild fire",
                           "bush fire"),
                 "cued_nouns": ("fire", "blaze", "inferno"), "cued_verbs": ("burn", "rage", "scorch"),
                 "cues": ("forest", "forests", "bush", "hectares", "acres", "woodland", "scrub", "vegetation",
                          "wildland", "wildfire", "wildfires", "bushfire", "bushfires", "winds", "hillsides",
                          "water-bombing", "firefighting aircraft", "firefighting planes")},
    # tornadoes too: the type is the storm's, landfall or not
    "storm": {"nouns": ("landfall", "typhoon", "hurricane", "cyclone", "tropical storm", "superstorm", "tornado",
                        "twister"),
              "verbs": ("make landfall",),
              "cued_verbs": ("hit", "strike", "slam", "batter", "lash", "pound", "sweep", "ravage", "rip through",
                             "tear through", "touch down"),
              "cued_nouns": ("storm",), "cues": STORMS},
    "eruption": {"nouns": ("eruption", "volcanic eruption"), "cued_verbs": ("erupt", "spew"),
                 "cues": ("volcano", "volcanic", "lava", "ash", "crater", "mount", "mt")},
    "airstrike": {"nouns": ("airstrike", "air strike", "air raid", "drone strike", "drone attack", "missile strike",
                            "missile attack", "rocket attack", "aerial bombardment", "bombing raid", "air attack"),
                  "cued_verbs": ("strike", "hit", "bomb", "pound", "target", "attack", "fire at", "fire on",
                                 "launch at", "launch on", "slam", "rock"),
                  "cued_nouns": ("strike", "attack", "raid", "bombing", "bombardment", "barrage"),
                  "cues": WEAPONS_AIR},
    "shelling": {"verbs": ("shell",), "nouns": ("shelling", "artillery fire", "mortar fire", "artillery strike",
                                               "mortar attack", "tank fire"),
                 "cued_verbs": ("hit", "strike", "pound", "target", "bombard", "fire artillery", "fire shells",
                                "fire mortar", "fire mortars"),
                 "cued_nouns": ("bombardment", "barrage", "attack"),
                 "cues": ("artillery", "mortar", "mortars", "shells", "howitzer", "howitzers", "tank", "tanks",
                          "shelling", "grad", "mlrs")},
    "explosion": {"verbs": ("explode", "detonate", "blow up", "bomb"),
                  "nouns": ("explosion", "blast", "bombing", "car bomb", "car bombing", "suicide bombing",
                            "bomb attack", "roadside bomb", "suicide attack", "ied", "detonation"),
                  "cued_verbs": ("rock", "hit", "strike", "target", "attack", "kill", "go off"),
                  # ("suicide bomber" hides the warplanes' "bombers" inside it)
                  "cues": ("bomb", "bombs", "bomber", "suicide bomber", "explosive", "explosives", "ied", "suicide",
                           "car bomb",
                           "grenade", "landmine", "mine")},
    "shooting": {"verbs": ("shoot", "gun down", "open fire"),
                 "nouns": ("shooting", "gunfire", "gunshot", "shootout", "sniper fire", "mass shooting"),
                 "cued_verbs": ("fire on", "fire at", "fire into", "kill", "attack"),
                 "cues": ("gunman", "gunmen", "gun", "guns", "rifle", "rifles", "bullets", "sniper", "snipers",
                          "shooter", "pistol", "live ammunition", "live fire", "shots")},
    "abduction": {"verbs": ("abduct", "kidnap", "take hostage"),
                  "nouns": ("abduction", "kidnapping", "hostage-taking"),
                  "cued_verbs": ("capture", "seize", "snatch"), "cues": PEOPLE + ("hostage",)},
    "arrest": {"verbs": ("arrest", "detain", "apprehend", "round up"), "nouns": ("arrest", "detention")},
    # "Rioters set cars on fire": the people rioting say there is a riot
    "riot": {"verbs": ("riot", "loot", "rampage"),
             "nouns": ("riot", "rioting", "rioter", "looting", "rampage", "unrest")},
    # clashes with the police, and no soldiers or rebels near ("youths clashed with riot police")
    "riot#police": {"cued_verbs": ("clash",), "cued_nouns": ("clash",), "cues": ("police", "riot police")},
    # "chefs demonstrated recipes", "a demonstration of the software": demonstrations only beside a crowd
    "protest": {"verbs": ("protest", "march"),
                "nouns": ("protest", "march", "sit-in", "walkout"),
                "cued_verbs": ("rally", "gather", "take to the streets", "demonstrate", "block", "fire tear gas",
                               "use tear gas", "use water cannon", "fire water cannon", "disperse"),
                "cued_nouns": ("rally", "demonstration"),
                "cues": ("protesters", "protestors", "demonstrators", "supporters", "crowd", "crowds", "thousands",
                         "hundreds", "opposition", "marchers", "activists")},
    # a strike is a protest beside the words of labour ("workers went on strike"), not of war
    "protest#labour": {"cued_nouns": ("strike", "walkout", "general strike"),
                       "cues": ("workers", "union", "unions", "general strike", "pay", "wages", "employees", "teachers",
                                "doctors", "nurses", "drivers", "staff", "dockers", "miners", "pension", "pensions")},
    # patrols and deployments of forces, not a sheriff's rounds or a prototype "deployed off the coast"
    "patrol": {"cued_verbs": ("patrol", "deploy"), "cued_nouns": ("patrol", "deployment"),
               "cues": WAR + ("navy", "naval", "warship", "warships", "coast guard", "peacekeepers", "jets",
                              "bombers", "battalion", "brigade", "carrier", "police", "officers", "policemen",
                              "gendarmes", "security forces", "national guard", "guardsmen")},
    # ships and aircraft in a country's waters or airspace ("coast guard ships entered Japanese
    # territorial waters"), not "entered the race"
    "patrol#waters": {"cued_verbs": ("enter", "intrude", "violate", "sail within", "sail into", "fly within"),
                      "cued_nouns": ("intrusion",),
                      # ("sailed within 12 nautical miles of the Senkaku Islands": the territorial sea's limit)
                      "cues": ("territorial waters", "waters", "airspace", "contiguous zone", "nautical miles")},
    "attack": {"verbs": ("attack", "assault", "ambush", "storm", "clash", "besiege", "invade"),
               "nouns": ("attack", "assault", "ambush", "clash", "fighting", "firefight", "gunfight",
                         "offensive", "skirmish", "incursion", "siege", "hostilities", "counter-offensive",
                         "counteroffensive"),
               # words of politics and business too ("the battle for the nomination", "tariffs targeted
               # China"): attacks only beside the words of war
               # and "captured the league crown", "seized a meth lab", "a cost overrun", a police raid
               "cued_verbs": ("target", "fight", "capture", "recapture", "seize", "overrun", "raid", "advance into",
                              "push into", "storm into", "roll into"),
               "cued_nouns": ("battle", "raid"),
               "cues": WAR + ("tanks",)},
    "killing": {"verbs": ("kill", "murder", "execute", "behead", "assassinate", "slay", "stab", "lynch", "massacre"),
                "nouns": ("killing", "murder", "assassination", "massacre", "execution", "homicide", "stabbing",
                          "beheading")},
}

# a trigger noun followed by one of these names a precaution or a category, not an event
# ("tsunami warning", "air raid sirens", "flood defences", "missile defence system")
NOT_EVENT_HEADS = frozenset("""warning warnings alert alerts advisory advisories siren sirens shelter shelters drill
drills exercise exercises defence defences defense defenses system systems threat threats risk risks insurance
prevention preparedness zone zones season seasons plain plains barrier barriers map maps expert experts watch
prone proof plan plans cover resistant monitoring forecast forecasts simulation training scenario scenarios
museum memorial anniversary ban bans law laws police gear squad shields control act charge charges warrant warrants
record rate rates suspect suspects case cases trial trials investigation investigators inquiry probe conviction
facility facilities center centre centers centres department departments station stations chief chiefs crew crews
fighter fighters hydrant alarm alarms truck trucks engine engines marshal marshals service services code codes
hazard hazards danger range ranges activity activities agency agencies official officials captain brigade brigades protection
verdict weapon weapons rifle rifles dog dogs boat boats ship ships vessel vessels craft car cars vehicle vehicles
aircraft helicopter helicopters submarine submarines team teams unit units route routes capability capabilities
ability""".split())
# words a few words before a trigger that make it planned or threatened, not done ("plotted to
# execute an employee and then attack a police station", "threaten to do a drive-by shooting")
INTENT_BEFORE = frozenset("""plot plots plotted plotting threaten threatens threatened threatening plan plans planned
planning intend intends intended intending vow vows vowed vowing conspire conspired conspiring""".split())
# words just after a trigger that make it a forecast ("the storm is expected to bypass Minnesota")
FORECAST_AFTER = frozenset("expected forecast forecasts predicted likely set due".split())
# the object of a verb that makes it no event ("executed two search warrants", "shot a video")
NOT_EVENT_OBJECTS = frozenset("""warrant warrants order orders plan plans contract contracts search searches video videos
film films footage photo photos picture pictures scene scenes movie movies episode episodes deal deals trade trades
transaction transactions strategy programme program project bill
rival rivals critic critics opponent opponents media press remarks comments policy policies rhetoric""".split())
# words just before a trigger that make it no event of this article: negation, intention, the
# diplomatic sense of "protest"
NOT_EVENT_BEFORE = frozenset("""no not never n't without failed fail threatened threatening threatens threaten vowed
vow vows planned plans plan planning intends intend intended would could might may will shall should must can
cannot prevent prevented prevents avoid avoided averted foiled thwarted warned warns fear fears feared risk
possible potential alleged lodged lodge filed file formal diplomatic official strong deny denied denies heart
panic asthma anxiety cyber verbal legal sexual bee bees wasp wasps dog dogs shark sharks bear bears snake snakes
alligator crocodile animal animals wolf wolves coyote""".split())
# what is thrown in a riot, not a bombing: "attacking police lines with petrol bombs"
THROWN_BEFORE_BOMBS = frozenset("petrol gasoline paint smoke stink".split())
# a ship's parts before "flooded": the ship taking water, not a flood ("the engine room flooded")
SHIP_PARTS_FLOODED = frozenset("room rooms hold holds compartment compartments hull cabin cabins bilge deck decks".split())
# verbs of saying that make a place the speaker's, not the event's ("said in Tokyo")
SPEECH_LEMMAS = ("report", "announce", "add", "state", "claim", "confirm", "quote", "declare", "note", "explain",
                 "insist", "warn", "allege", "brief", "write", "tweet", "indicate", "accuse", "blame", "deny",
                 "condemn", "urge")
# every form of "say" and "tell"; of the others the past and "-ing" forms only ("states" and
# "claims" are nouns too)
SPEECH_WORDS = frozenset(forms_of(("say", "tell")) + forms_of(SPEECH_LEMMAS, "past", "ing")
                         + ("according", "spokesman", "spokeswoman", "spokesperson"))
# prepositions that put the event at the place after them
LOCATIVE_PREPOSITIONS = frozenset("""in at near inside outside around across throughout into on onto within off
along over beside nearby toward towards between through under above below beyond behind""".split())
# nouns a place name may stand in ("the town of X", "X district", "the outskirts of X")
PLACE_NOUNS = frozenset("""town towns city cities village villages district districts province provinces governorate
governorates state states region regions area areas neighborhood neighbourhood neighborhoods neighbourhoods suburb
suburbs county counties camp camps quarter quarters sector sectors municipality municipalities commune communes
locality hamlet hamlets settlement settlements island islands islet valley port enclave territory capital
borough township prefecture prefectures oblast colony tehsil raion hromada kibbutz strip coast coastline waters
sea gulf strait bay harbour harbor airport base airbase outpost checkpoint market mosque church school hospital
street road highway bridge square compound prison station refinery plant factory depot village's city's town's
countryside outskirts heart centre center downtown vicinity environs edge edges parts part axis entrance
gates gate flank flanks perimeter corridor frontline front outskirt border borders shores shore banks bank palace
mountains mountain hills hill river lake desert plain plains field fields farm farms junction roundabout crossing
building tower stadium university campus embassy consulate hotel residence house home mall neighborhood
mountaintop hilltop pocket stronghold dam position positions checkpoints bases airport airfield""".split())
# how a part of a place is named ("the outskirts of X")
PART_NOUNS = frozenset("""outskirts outskirt countryside heart centre center downtown vicinity environs edge edges parts
part axis entrance gates gate flank flanks perimeter suburbs periphery slope slopes hills hill heights farms fields
streets side sides end coast shores banks bank""".split())
# verbs whose object is a place the event happened at ("stormed Aleppo", "struck the Al-Rasoul
# checkpoint", "patrolled the streets of Freetown")
PLACE_OBJECT_VERBS = frozenset(forms_of((
    "attack", "storm", "enter", "capture", "seize", "shell", "bomb", "strike", "hit", "target", "raid", "besiege",
    "liberate", "overrun", "invade", "recapture", "retake", "surround", "pound", "occupy", "reach", "evacuate",
    "bombard", "rock", "destroy", "damage", "flood", "ravage", "batter", "lash", "sweep", "patrol", "infiltrate",
    "encircle", "control", "cross", "hold", "defend", "secure", "clear", "torch", "burn", "loot", "blockade",
    "ambush", "assault", "visit", "rattle", "jolt", "shake", "inundate", "submerge", "engulf", "threaten", "tour")))
# words whose object is a person ("shot Welch", "arrested Kresin and Jett", "the killing of Karlov"):
# a name the gazetteer lacks right after them is the victim, not a place
VICTIM_WORDS = frozenset(forms_of((
    "kill", "murder", "execute", "behead", "assassinate", "slay", "stab", "lynch", "shoot", "gun down", "wound",
    "injure", "arrest", "detain", "apprehend", "abduct", "kidnap", "charge", "convict", "sentence", "accuse",
    "identify", "name", "rescue", "free", "release", "hospitalise", "hospitalize")) + tuple("""killing murder
assassination execution beheading stabbing shooting arrest detention abduction kidnapping release rescue death
funeral""".split()))
DIRECTION_ADJECTIVES = frozenset("""north south east west northern southern eastern western central northeast northwest
southeast southwest northeastern northwestern southeastern southwestern north-east north-west south-east south-west
north-eastern north-western south-eastern south-western mid upper lower""".split())
