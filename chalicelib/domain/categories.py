"""The category tree for performers and freelancers. Data, not code: add a row to add a category.

`report_required` marks categories whose services end with a delivery report the customer
keeps (coaching, consulting, lessons): their bookings pass the QC gate before the talent is
paid (API.md, "Delivery reports and the QC gate"). A child inherits its group's mark."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Category:
    slug: str
    name: str
    children: tuple[Category, ...] = field(default_factory=tuple)
    report_required: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "name": self.name,
            "report_required": self.report_required,
            "children": [child.to_json() for child in self.children],
        }


def _group(
    slug: str, name: str, *children: tuple[str, str], report_required: bool = False
) -> Category:
    return Category(
        slug,
        name,
        tuple(Category(f"{slug}.{c}", n, report_required=report_required) for c, n in children),
        report_required=report_required,
    )


TREE: tuple[Category, ...] = (
    _group(
        "music",
        "Music",
        ("dj", "DJ"),
        ("band", "Live band"),
        ("singer", "Singer"),
        ("instrumentalist", "Instrumentalist"),
        ("oud", "Oud player"),
        ("production", "Music production"),
    ),
    _group(
        "fire-led",
        "Fire & LED",
        ("fire-performer", "Fire performer"),
        ("fire-breathing", "Fire breathing"),
        ("led-performer", "LED performer"),
        ("pixel-poi", "Pixel poi & props"),
    ),
    _group(
        "dance",
        "Dance",
        ("dabke", "Dabke"),
        ("belly-dance", "Belly dance"),
        ("contemporary", "Contemporary"),
        ("hip-hop", "Hip-hop"),
        ("ballroom", "Ballroom"),
    ),
    _group(
        "circus-variety",
        "Circus & variety",
        ("magician", "Magician"),
        ("juggler", "Juggler"),
        ("acrobat", "Acrobat"),
        ("stilt-walker", "Stilt walker"),
        ("clown", "Clown & kids' entertainer"),
    ),
    _group(
        "hosting",
        "Hosting & comedy",
        ("mc", "MC / host"),
        ("comedian", "Comedian"),
        ("speaker", "Speaker"),
    ),
    _group(
        "photography",
        "Photography",
        ("wedding", "Wedding"),
        ("event", "Event"),
        ("portrait", "Portrait"),
        ("product", "Product"),
        ("drone", "Drone"),
    ),
    _group(
        "video",
        "Video",
        ("videography", "Videography"),
        ("editing", "Video editing"),
        ("animation", "Animation & motion graphics"),
        ("livestream", "Live streaming"),
    ),
    _group(
        "design",
        "Design",
        ("graphic", "Graphic design"),
        ("logo-brand", "Logo & brand identity"),
        ("ui-ux", "UI / UX"),
        ("illustration", "Illustration"),
        ("3d", "3D modelling"),
    ),
    _group(
        "development",
        "Development",
        ("web", "Web development"),
        ("mobile", "Mobile apps"),
        ("backend", "Backend & APIs"),
        ("ecommerce", "E-commerce & Shopify"),
        ("data", "Data engineering"),
        ("ai-ml", "AI & machine learning"),
        ("devops", "DevOps & cloud"),
        ("security", "Security"),
    ),
    _group(
        "writing",
        "Writing & translation",
        ("copywriting", "Copywriting"),
        ("content", "Content writing"),
        ("translation", "Translation (Arabic, Kurdish, English)"),
        ("technical", "Technical writing"),
    ),
    _group(
        "marketing",
        "Marketing",
        ("social-media", "Social media"),
        ("seo", "SEO"),
        ("ads", "Paid ads"),
        ("email", "Email marketing"),
    ),
    _group(
        "events",
        "Event services",
        ("planning", "Event planning"),
        ("decor", "Decor & styling"),
        ("sound-light", "Sound & lighting"),
        ("makeup", "Makeup artist"),
    ),
    _group(
        "coaching",
        "Coaching & consulting",
        ("life", "Life coaching"),
        ("career", "Career coaching"),
        ("business", "Business consulting"),
        ("fitness", "Fitness coaching"),
        ("mentoring", "Mentoring"),
        report_required=True,
    ),
    _group(
        "lessons",
        "Lessons & tutoring",
        ("music", "Music lessons"),
        ("language", "Language lessons"),
        ("dance", "Dance lessons"),
        ("academic", "Tutoring"),
        report_required=True,
    ),
)


def _index(nodes: tuple[Category, ...]) -> dict[str, Category]:
    found: dict[str, Category] = {}
    for node in nodes:
        found[node.slug] = node
        found.update(_index(node.children))
    return found


BY_SLUG: dict[str, Category] = _index(TREE)


def is_known(slug: str) -> bool:
    return slug in BY_SLUG


def report_required(slug: str) -> bool:
    """Whether a category's services require a delivery report by default."""
    node = BY_SLUG.get(slug)
    return bool(node and node.report_required)


def top_level(slug: str) -> str:
    """The root a slug belongs to: `music.dj` -> `music`."""
    return slug.split(".", 1)[0]


def tree_json() -> list[dict[str, Any]]:
    return [node.to_json() for node in TREE]
