"""Default value maps every organization starts with (analysts edit their own copy).

Race and ethnicity go to the OMB SPD 15 (2024) categories plus Multiracial, Unknown and Declined
(kept distinct), from free-text EHR spellings, the 1997 two-question form (race + a separate
Hispanic or Latino question, combined into `race_ethnicity` the way SPD 15 does) and CDC Race and
Ethnicity code set (CDCREC) codes. Language goes to a standard name from names, ISO 639-1 and
639-2 codes and common EHR spellings. Keys are normalized with `normalize_key`.
"""

import re

AIAN = "American Indian or Alaska Native"
ASIAN = "Asian"
BLACK = "Black or African American"
HISPANIC = "Hispanic or Latino"
MENA = "Middle Eastern or North African"
NHPI = "Native Hawaiian or Pacific Islander"
WHITE = "White"
MULTIRACIAL = "Multiracial"
UNKNOWN = "Unknown"
DECLINED = "Declined"
NOT_HISPANIC = "Not Hispanic or Latino"

RACE_LABELS = (AIAN, ASIAN, BLACK, HISPANIC, MENA, NHPI, WHITE, MULTIRACIAL, UNKNOWN, DECLINED)
ETHNICITY_LABELS = (HISPANIC, NOT_HISPANIC, UNKNOWN, DECLINED)

# Data quality: the REaL families whose completeness is counted, and the site row for all sites.
QUALITY_DIMENSIONS = ("race", "ethnicity", "language")
ALL_SITES = "All sites"

_SPACES = re.compile(r"\s+")


def normalize_key(value: str) -> str:
    """The lookup key of a source value: trimmed, lower case, single spaces."""
    return _SPACES.sub(" ", str(value).strip().lower())


_DECLINED_SPELLINGS = [
    "declined",
    "patient declined",
    "declined to answer",
    "declined to specify",
    "refused",
    "patient refused",
    "prefer not to answer",
    "prefer not to say",
    "choose not to disclose",
    "chose not to disclose",
    "asked but no answer",
    "asked but unknown",
    "asku",
]
_UNKNOWN_SPELLINGS = [
    "unknown",
    "unk",
    "u",
    "not recorded",
    "not documented",
    "not specified",
    "missing",
    "none",
    "null",
    "n/a",
    "na",
    "blank",
    "unavailable",
]

RACE_FREE_TEXT = {
    AIAN: [
        "american indian or alaska native",
        "american indian/alaska native",
        "american indian / alaska native",
        "american indian",
        "alaska native",
        "alaskan native",
        "native american",
        "american indian or alaskan native",
        "am indian/alaska native",
        "am indian/alaskan native",
        "am indian or alaska native",
        "american indian and alaska native",
        "ai/an",
        "aian",
        "indigenous",
    ],
    ASIAN: [
        "asian",
        "asian american",
        "asian indian",
        "chinese",
        "filipino",
        "japanese",
        "korean",
        "vietnamese",
        "other asian",
        "south asian",
        "east asian",
        "southeast asian",
        "cambodian",
        "hmong",
        "laotian",
        "pakistani",
        "bangladeshi",
        "thai",
    ],
    BLACK: [
        "black or african american",
        "black/african american",
        "black / african american",
        "black, african american",
        "black or african-american",
        "black",
        "african american",
        "african-american",
        "afr american",
        "african",
        "caribbean black",
        "haitian",
        "somali",
        "nigerian",
        "ethiopian",
        "jamaican",
    ],
    HISPANIC: [
        "hispanic or latino",
        "hispanic/latino",
        "hispanic / latino",
        "hispanic",
        "latino",
        "latina",
        "latinx",
        "latine",
        "hispanic or latina",
        "hispanic, latino or spanish origin",
        "mexican",
        "mexican american",
        "puerto rican",
        "cuban",
        "dominican",
        "salvadoran",
        "guatemalan",
        "central american",
        "south american",
    ],
    MENA: [
        "middle eastern or north african",
        "middle eastern/north african",
        "middle eastern",
        "north african",
        "mena",
        "arab",
        "arab american",
        "lebanese",
        "iranian",
        "egyptian",
        "syrian",
        "iraqi",
        "moroccan",
        "israeli",
    ],
    NHPI: [
        "native hawaiian or pacific islander",
        "native hawaiian or other pacific islander",
        "native hawaiian/pacific islander",
        "native hawaiian / pacific islander",
        "native hawaiian",
        "pacific islander",
        "other pacific islander",
        "nhpi",
        "nhopi",
        "samoan",
        "guamanian or chamorro",
        "guamanian",
        "chamorro",
        "tongan",
        "fijian",
        "marshallese",
    ],
    WHITE: [
        "white",
        "caucasian",
        "white or caucasian",
        "white/caucasian",
        "european",
        "european american",
        "white american",
    ],
    MULTIRACIAL: [
        "multiracial",
        "multi-racial",
        "multi racial",
        "two or more races",
        "two or more",
        "more than one race",
        "multiple races",
        "multiple",
        "mixed",
        "mixed race",
        "biracial",
    ],
    UNKNOWN: _UNKNOWN_SPELLINGS,
    DECLINED: _DECLINED_SPELLINGS,
}

# CDC Race and Ethnicity Code Set (CDCREC, PHIN VADS 2.16.840.1.113883.6.238): roll-up codes and
# common detailed codes. MENA detail codes sit under White in CDCREC; SPD 15 makes them their own.
CDC_CODES = {
    "1002-5": AIAN,
    "1004-1": AIAN,
    "1735-0": AIAN,
    "2028-9": ASIAN,
    "2029-7": ASIAN,
    "2034-7": ASIAN,
    "2036-2": ASIAN,
    "2039-6": ASIAN,
    "2040-4": ASIAN,
    "2047-9": ASIAN,
    "2054-5": BLACK,
    "2056-0": BLACK,
    "2058-6": BLACK,
    "2060-2": BLACK,
    "2076-8": NHPI,
    "2078-4": NHPI,
    "2079-2": NHPI,
    "2080-0": NHPI,
    "2086-7": NHPI,
    "2106-3": WHITE,
    "2108-9": WHITE,
    "2118-8": MENA,
    "2120-4": MENA,
    "2129-5": MENA,
    "2135-2": HISPANIC,
    "2137-8": HISPANIC,
    "2148-5": HISPANIC,
    "2155-0": HISPANIC,
    "2165-9": HISPANIC,
    "2180-8": HISPANIC,
    "2182-4": HISPANIC,
    "2184-0": HISPANIC,
    "2131-1": UNKNOWN,  # "Other Race": no SPD 15 category; listed as Unknown
    "asku": DECLINED,
    "unk": UNKNOWN,
}
CDC_ETHNICITY_CODES = {
    "2135-2": HISPANIC,
    "2137-8": HISPANIC,
    "2148-5": HISPANIC,
    "2155-0": HISPANIC,
    "2165-9": HISPANIC,
    "2180-8": HISPANIC,
    "2182-4": HISPANIC,
    "2184-0": HISPANIC,
    "2186-5": NOT_HISPANIC,
}

# HEDIS race codes (the race stratification of HEDIS measures), with and without the leading
# zero a spreadsheet drops. "Some other race" has no SPD 15 category: listed as Unknown.
HEDIS_RACE_CODES = {
    "01": WHITE,
    "02": BLACK,
    "03": AIAN,
    "04": ASIAN,
    "05": NHPI,
    "06": UNKNOWN,  # Some other race
    "07": MULTIRACIAL,  # Two or more races
    "08": DECLINED,  # Asked but no answer
    "09": UNKNOWN,
}

# The 1997 two-question form: the separate "Hispanic or Latino?" answer.
ETHNICITY_FREE_TEXT = {
    HISPANIC: [
        "hispanic or latino",
        "hispanic/latino",
        "hispanic",
        "latino",
        "latina",
        "latinx",
        "yes",
        "y",
        "h",
        "hispanic or latina",
        "yes, hispanic or latino",
    ],
    NOT_HISPANIC: [
        "not hispanic or latino",
        "not hispanic/latino",
        "non-hispanic",
        "non hispanic",
        "not hispanic",
        "non-hispanic or latino",
        "no",
        "n",
        "nh",
        "no, not hispanic or latino",
    ],
    UNKNOWN: _UNKNOWN_SPELLINGS,
    DECLINED: _DECLINED_SPELLINGS,
}

# Standard name: names and EHR spellings, ISO 639-1 and ISO 639-2 (B and T) codes.
LANGUAGES = {
    "English": ["english", "eng", "en", "english (us)", "en-us"],
    "Spanish": ["spanish", "spa", "es", "español", "espanol", "spanish; castilian", "castilian"],
    "Chinese": ["chinese", "chi", "zho", "zh", "mandarin", "cantonese", "chinese - mandarin"],
    "Vietnamese": ["vietnamese", "vie", "vi"],
    "Tagalog": ["tagalog", "tgl", "tl", "filipino", "fil"],
    "Arabic": ["arabic", "ara", "ar"],
    "Korean": ["korean", "kor", "ko"],
    "Russian": ["russian", "rus", "ru"],
    "French": ["french", "fre", "fra", "fr"],
    "Haitian Creole": ["haitian creole", "haitian", "creole", "hat", "ht", "kreyol"],
    "Portuguese": ["portuguese", "por", "pt", "brazilian portuguese"],
    "Polish": ["polish", "pol", "pl"],
    "Somali": ["somali", "som", "so"],
    "Hmong": ["hmong", "hmn"],
    "Japanese": ["japanese", "jpn", "ja"],
    "German": ["german", "ger", "deu", "de"],
    "Italian": ["italian", "ita", "it"],
    "Hindi": ["hindi", "hin", "hi"],
    "Urdu": ["urdu", "urd", "ur"],
    "Bengali": ["bengali", "ben", "bn", "bangla"],
    "Persian": ["persian", "per", "fas", "fa", "farsi", "dari"],
    "Amharic": ["amharic", "amh", "am"],
    "Nepali": ["nepali", "nep", "ne"],
    "Ukrainian": ["ukrainian", "ukr", "uk"],
    "Swahili": ["swahili", "swa", "sw"],
    "Khmer": ["khmer", "cambodian", "khm", "km"],
    "Lao": ["lao", "laotian", "lo"],
    "Punjabi": ["punjabi", "panjabi", "pan", "pa"],
    "Gujarati": ["gujarati", "guj", "gu"],
    "Greek": ["greek", "gre", "ell", "el"],
    "Turkish": ["turkish", "tur", "tr"],
    "Hebrew": ["hebrew", "heb", "he"],
    "Burmese": ["burmese", "bur", "mya", "my"],
    "Tigrinya": ["tigrinya", "tir", "ti"],
    "Oromo": ["oromo", "orm", "om"],
    "Karen": ["karen", "kar"],
    "Navajo": ["navajo", "nav", "nv"],
    "American Sign Language": ["american sign language", "asl", "ase", "sign language", "sgn"],
    UNKNOWN: _UNKNOWN_SPELLINGS + ["und", "zxx"],
    DECLINED: _DECLINED_SPELLINGS,
}

SEX = {
    "Female": ["female", "f", "woman", "w", "girl"],
    "Male": ["male", "m", "man", "boy"],
    "Other": ["x", "other", "nonbinary", "non-binary", "intersex"],
    UNKNOWN: _UNKNOWN_SPELLINGS,
    DECLINED: _DECLINED_SPELLINGS,
}

PAYER = {
    "Medicare": ["medicare", "medicare advantage", "medicare ffs", "mcr", "medicare part a"],
    "Medicaid": ["medicaid", "mcd", "medicaid managed care", "chip", "medi-cal", "masshealth"],
    "Commercial": [
        "commercial",
        "private",
        "private insurance",
        "employer",
        "hmo",
        "ppo",
        "blue cross",
        "bcbs",
        "aetna",
        "cigna",
        "united",
        "unitedhealthcare",
        "exchange",
        "marketplace",
    ],
    "Self-pay or uninsured": ["self-pay", "self pay", "selfpay", "uninsured", "none/self-pay"],
    "Other government": ["tricare", "va", "champva", "ihs", "indian health service", "other gov"],
    UNKNOWN: _UNKNOWN_SPELLINGS,
}


def _flatten(groups: dict[str, list[str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for label, spellings in groups.items():
        out[normalize_key(label)] = label
        for spelling in spellings:
            out.setdefault(normalize_key(spelling), label)
    return out


def default_value_maps() -> dict[str, dict[str, str]]:
    """{family: {normalized source value: label}} for every default family."""
    race = _flatten(RACE_FREE_TEXT)
    race.update({normalize_key(code): label for code, label in CDC_CODES.items()})
    for code, label in HEDIS_RACE_CODES.items():
        race.setdefault(code, label)
        race.setdefault(code.lstrip("0"), label)
    ethnicity = _flatten(ETHNICITY_FREE_TEXT)
    ethnicity.update({normalize_key(c): label for c, label in CDC_ETHNICITY_CODES.items()})
    return {
        "race": race,
        "ethnicity": ethnicity,
        "language": _flatten(LANGUAGES),
        "sex": _flatten(SEX),
        "payer": _flatten(PAYER),
    }


def family_categories() -> dict[str, tuple[str, ...]]:
    """{family: the standard categories its default map uses}."""
    return {
        "race": RACE_LABELS,
        "ethnicity": ETHNICITY_LABELS,
        "language": tuple(LANGUAGES),
        "sex": tuple(SEX),
        "payer": tuple(PAYER),
    }


_WORDS = re.compile(r"[a-z0-9]+")


def _words(value: str) -> tuple[str, ...]:
    return tuple(_WORDS.findall(normalize_key(value)))


def suggest_category(value: str, known: dict[str, str]) -> str | None:
    """The one category whose known spellings name part of `value` ("Black, African American",
    "Am Indian/Alaska Native"); None when none does or when several categories are named
    ("Asian, White"). `known` is {normalized spelling: category}. A suggestion only: the
    analyst decides."""
    words = _words(value)
    if not words:
        return None
    found: set[str] = set()
    for spelling, category in known.items():
        phrase = _words(spelling)
        if not phrase or len(spelling) < 3 or (len(phrase) == 1 and phrase[0].isdigit()):
            continue
        n = len(phrase)
        if any(words[i : i + n] == phrase for i in range(len(words) - n + 1)):
            found.add(category)
            if len(found) > 1:
                return None
    return found.pop() if found else None
