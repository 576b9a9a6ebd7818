"""Synthetic talent for the search benchmark: deterministic, with skewed, lifelike spreads.

`card(i)` depends only on the seed and on i (each card has its own random generator), so
the first 1,000 cards are the same whether a run stops at 1,000 or goes on to 100,000, and
loading can be cumulative. Dates (day overrides, booked days) are relative to `anchor`.

What the spreads look like:
- names and headlines from a pool of Latin and Arabic words;
- 1-3 categories, Zipf-weighted over the leaves of chalicelib.domain.categories, so a few
  categories are popular and most are niche;
- 2-6 skills from a pool of about 200, also Zipf-weighted;
- 1-3 languages (Arabic for most, English for half, Kurdish for some);
- locations clustered around 15 Iraqi and regional cities (a few km of jitter), and 8 %
  anywhere in the world;
- 85 % state a rate: 70 % in IQD, the rest in USD, log-normal amounts;
- most talent have no reviews, a few have hundreds;
- a weekly plan with each weekday on with probability 1/2 (10 % have no plan), a few
  explicit days and booked days in the next two months.
"""

from __future__ import annotations

import itertools
import math
import random
from datetime import date, timedelta

from chalicelib.domain import categories
from chalicelib.domain.availability import WEEKDAYS
from chalicelib.domain.search import Card

SEED = 20_240_611


def _words(text: str) -> list[str]:
    return text.split()


LATIN_FIRST = _words(
    "Ahmed Ali Omar Hassan Hussein Karim Zainab Fatima Noor Sara Layla Mariam Yousif Mustafa "
    "Rania Dalia Huda Amir Sami Khalid Rana Aya Ibrahim Haider Zaid Bilal Farah Lina Dana Shirin "
    "Rebin Hawre Soran Avin Lana Nadia Tariq Walid Yasmin Hiba"
)
LATIN_LAST = _words(
    "Al-Tamimi Al-Jaburi Al-Rubaie Al-Obaidi Al-Saadi Al-Hashimi Kareem Mahmoud Abbas Jaafar "
    "Salih Rashid Barzani Talabani Hamid Aziz Khalil Nouri Qasim Saleh Fadhil Jawad Mansour "
    "Haddad Khoury Najjar"
)
ARABIC_FIRST = _words("أحمد علي عمر حسن حسين كريم زينب فاطمة نور سارة ليلى مريم يوسف مصطفى")
ARABIC_LAST = _words("التميمي الجبوري الربيعي العبيدي الساعدي الهاشمي محمود عباس جعفر")
ARABIC_NAME_SHARE = 0.25

# Headline words: most headlines are "<adjective> <role> for <occasion> [in <city>]".
ADJECTIVES = _words(
    "professional experienced creative award-winning energetic elegant modern traditional "
    "versatile certified friendly reliable محترف مبدع متميز"
)
ROLES = _words(
    "DJ singer oud player band dancer magician photographer videographer designer developer "
    "writer translator host comedian makeup artist planner decorator drummer violinist "
    "animator editor illustrator acrobat juggler clown مطرب عازف مصور مصمم مترجم"
)
OCCASIONS = _words(
    "weddings parties corporate events birthdays concerts festivals conferences startups "
    "brands restaurants hotels graduations engagements الأعراس الحفلات المناسبات"
)

SKILL_POOL: tuple[str, ...] = tuple(
    dict.fromkeys(
        [
            *_words(
                "oud maqam piano guitar violin qanun darbuka riq drums vocals arabic-pop "
                "mixing mastering ableton serato rekordbox dabke belly-dance salsa tango "
                "hip-hop breakdance ballet choreography fire-breathing poi staff juggling "
                "stilts balloon-art face-painting close-up-magic mentalism stand-up "
                "improv hosting voice-over lightroom photoshop illustrator figma sketch "
                "blender maya after-effects premiere davinci-resolve drone-piloting "
                "color-grading storyboarding copywriting proofreading subtitling "
                "arabic-english kurdish-arabic legal-translation seo google-ads meta-ads "
                "tiktok instagram email-campaigns wordpress shopify react vue angular "
                "django flask fastapi nodejs golang rust kotlin swift flutter "
                "react-native postgresql mongodb dynamodb aws azure gcp docker kubernetes "
                "terraform linux pentesting data-analysis machine-learning pytorch "
                "tensorflow nlp computer-vision tableau excel powerbi bridal-makeup "
                "hair-styling floral-design stage-lighting sound-engineering event-planning "
                "catering-coordination wedding-planning calligraphy henna portraits "
                "product-photography food-photography fashion-photography "
                "wedding-photography event-photography real-estate-photography "
                "livestreaming podcast-editing motion-graphics 3d-modeling character-design "
                "logo-design branding packaging ux-research wireframing prototyping "
                "accessibility technical-writing api-docs content-strategy blogging "
                "scriptwriting poetry songwriting arrangement orchestration choir "
                "karaoke mc-services kids-parties puppetry acrobatics aerial-silks "
                "hula-hoop led-poi pixel-props fire-dancing fire-eating contact-juggling "
                "unicycle clowning storytelling magic-shows escape-acts hypnosis "
                "photobooth videography-4k cinematic-editing reels vlogging youtube "
                "social-media-management community-management influencer-marketing "
                "market-research public-speaking training coaching workshops "
                "interpretation sign-language tour-guiding"
            ),
            "wedding songs",
            "live music",
            "event hosting",
            "graphic design",
            "web design",
            "mobile apps",
            "video editing",
            "عود",
            "غناء",
            "تصوير",
            "دبكة",
            "ترجمة",
            "تصميم",
        ]
    )
)

LANGUAGES = (("ar", 0.85), ("en", 0.5), ("ku", 0.2), ("tr", 0.06), ("fa", 0.05), ("fr", 0.04))

# (name, country, lat, lng, weight): Iraqi cities weigh most, then the region.
CITIES: tuple[tuple[str, str, float, float, float], ...] = (
    ("Baghdad", "IQ", 33.3152, 44.3661, 30.0),
    ("Basra", "IQ", 30.5085, 47.7804, 9.0),
    ("Erbil", "IQ", 36.1911, 44.0092, 9.0),
    ("Sulaymaniyah", "IQ", 35.5613, 45.4374, 6.0),
    ("Mosul", "IQ", 36.3456, 43.1450, 7.0),
    ("Najaf", "IQ", 32.0259, 44.3462, 4.0),
    ("Karbala", "IQ", 32.6160, 44.0249, 3.0),
    ("Kirkuk", "IQ", 35.4681, 44.3922, 3.0),
    ("Duhok", "IQ", 36.8669, 42.9503, 2.0),
    ("Nasiriyah", "IQ", 31.0439, 46.2576, 2.0),
    ("Amman", "JO", 31.9539, 35.9106, 5.0),
    ("Beirut", "LB", 33.8938, 35.5018, 4.0),
    ("Dubai", "AE", 25.2048, 55.2708, 6.0),
    ("Istanbul", "TR", 41.0082, 28.9784, 5.0),
    ("Kuwait City", "KW", 29.3759, 47.9774, 3.0),
)
WORLDWIDE_SHARE = 0.08
JITTER_KM = 7.0  # standard deviation of the distance from the city centre, per axis


def _zipf_weights(count: int, exponent: float, rng: random.Random) -> list[float]:
    ranks = list(range(1, count + 1))
    rng.shuffle(ranks)  # which item is popular is random, but fixed by the seed
    return [1.0 / rank**exponent for rank in ranks]


def _leaf_slugs() -> list[str]:
    return sorted(child.slug for top in categories.TREE for child in top.children)


_SETUP = random.Random(SEED)
LEAF_CATEGORIES: list[str] = _leaf_slugs()
CATEGORY_WEIGHTS: list[float] = _zipf_weights(len(LEAF_CATEGORIES), 0.8, _SETUP)
SKILL_WEIGHTS: list[float] = _zipf_weights(len(SKILL_POOL), 0.9, _SETUP)
_CATEGORY_CUMULATIVE = list(itertools.accumulate(CATEGORY_WEIGHTS))
_SKILL_CUMULATIVE = list(itertools.accumulate(SKILL_WEIGHTS))
_SKILLS = list(SKILL_POOL)
_CITY_CUMULATIVE = list(itertools.accumulate(city[4] for city in CITIES))


def talent_id(index: int) -> str:
    """A ULID-shaped id (26 Crockford base32 characters), fixed for each index."""
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    value = random.Random(f"{SEED}:id:{index}").getrandbits(125)
    return "".join(alphabet[(value >> shift) & 31] for shift in range(125, -1, -5))[-26:]


def _distinct(
    rng: random.Random, population: list[str], cum_weights: list[float], k: int
) -> list[str]:
    chosen: dict[str, None] = {}
    while len(chosen) < k:
        chosen.setdefault(rng.choices(population, cum_weights=cum_weights)[0])
    return list(chosen)


def _location(rng: random.Random) -> tuple[str, str, float, float]:
    if rng.random() < WORLDWIDE_SHARE:
        lat = math.degrees(math.asin(rng.uniform(-0.8, 0.95)))  # uniform over the sphere's area
        return "Elsewhere", "ZZ", round(lat, 5), round(rng.uniform(-180.0, 180.0), 5)
    name, country, lat, lng, _ = rng.choices(CITIES, cum_weights=_CITY_CUMULATIVE)[0]
    dlat = rng.gauss(0.0, JITTER_KM) / 111.2
    dlng = rng.gauss(0.0, JITTER_KM) / (111.2 * math.cos(math.radians(lat)))
    return name, country, round(lat + dlat, 5), round(lng + dlng, 5)


def _rate(rng: random.Random) -> tuple[int | None, str | None]:
    if rng.random() >= 0.85:
        return None, None
    if rng.random() < 0.7:
        amount = rng.lognormvariate(math.log(150_000), 0.8)
        return max(5_000, round(amount / 5_000) * 5_000), "IQD"
    return max(5, round(rng.lognormvariate(math.log(100), 0.9) / 5) * 5), "USD"


def _ratings(rng: random.Random) -> tuple[int, int, int, int, int]:
    """(rating_sum, rating_count, completed, requests_received, requests_answered)."""
    count = 0 if rng.random() < 0.55 else min(2_000, 1 + int(rng.lognormvariate(1.5, 1.3)))
    average = min(5.0, max(1.0, rng.gauss(4.5, 0.45)))
    rating_sum = min(5 * count, max(count, round(average * count)))
    completed = count + int(count * rng.uniform(0.0, 0.6))
    received = completed + int(rng.expovariate(1 / 4))
    answered = min(received, round(received * rng.uniform(0.5, 1.0)))
    return rating_sum, count, completed, received, answered


def _calendar(
    rng: random.Random, anchor: date
) -> tuple[tuple[str, ...] | None, dict[str, bool], frozenset[str]]:
    weekly = None if rng.random() < 0.1 else tuple(d for d in WEEKDAYS if rng.random() < 0.5)
    overrides = {
        (anchor + timedelta(days=rng.randrange(60))).isoformat(): rng.random() < 0.6
        for _ in range(rng.choice((0, 0, 1, 2, 3)))
    }
    booked = frozenset(
        (anchor + timedelta(days=rng.randrange(60))).isoformat()
        for _ in range(rng.choice((0, 0, 0, 1, 2, 3)))
    )
    return weekly, overrides, booked


def _headline(rng: random.Random, city: str) -> str | None:
    if rng.random() < 0.1:
        return None
    words = [rng.choice(ADJECTIVES), rng.choice(ROLES), "for", rng.choice(OCCASIONS)]
    if rng.random() < 0.4:
        words += ["and", rng.choice(OCCASIONS)]
    if city != "Elsewhere" and rng.random() < 0.5:
        words += ["in", city]
    return " ".join(words)


def _name(rng: random.Random) -> str:
    if rng.random() < ARABIC_NAME_SHARE:
        return f"{rng.choice(ARABIC_FIRST)} {rng.choice(ARABIC_LAST)}"
    return f"{rng.choice(LATIN_FIRST)} {rng.choice(LATIN_LAST)}"


def card(index: int, anchor: date) -> Card:
    rng = random.Random(f"{SEED}:card:{index}")
    city, country, lat, lng = _location(rng)
    rate_amount, rate_currency = _rate(rng)
    rating_sum, rating_count, completed, received, answered = _ratings(rng)
    weekly, overrides, booked = _calendar(rng, anchor)
    languages = [code for code, share in LANGUAGES if rng.random() < share][:3] or ["ar"]
    return Card(
        talent_id=talent_id(index),
        display_name=_name(rng),
        headline=_headline(rng, city),
        avatar_media_id=None if rng.random() < 0.3 else talent_id(-1 - index),
        categories=tuple(
            _distinct(rng, LEAF_CATEGORIES, _CATEGORY_CUMULATIVE, rng.choice((1, 1, 1, 2, 2, 3)))
        ),
        skills=tuple(_distinct(rng, _SKILLS, _SKILL_CUMULATIVE, rng.randint(2, 6))),
        languages=tuple(languages),
        city=city,
        country=country,
        lat=lat,
        lng=lng,
        rate_amount=rate_amount,
        rate_currency=rate_currency,
        rating_sum=rating_sum,
        rating_count=rating_count,
        completed_count=completed,
        requests_received=received,
        requests_answered=answered,
        weekly=weekly,
        day_overrides=overrides,
        booked_days=booked,
    )
