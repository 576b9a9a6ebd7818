"""Table keys: reviews and reputation."""

from __future__ import annotations


# Reviews (docs/data-model.md): the review by id; per subject one slot per party, whose
# key makes "once per party" a put condition; per reviewee the published reviews (GSI1,
# sparse: only published, unhidden ones) and one reputation item of running sums.
def review_pk(review_id: str) -> str:
    return f"REVIEW#{review_id}"


REVIEW_SK = "REVIEW"


def review_slots_pk(subject_type: str, subject_id: str) -> str:
    return f"REVIEWS#{subject_type}#{subject_id}"


def review_slot_sk(role: str) -> str:
    return f"BY#{role}"


def reviews_of_gsi1pk(reviewee_type: str, reviewee_id: str) -> str:
    return f"REVIEWS_OF#{reviewee_type}#{reviewee_id}"


def reviews_of_gsi1sk(published_iso: str, review_id: str) -> str:
    return f"{published_iso}#{review_id}"


def reputation_pk(reviewee_type: str, reviewee_id: str) -> str:
    return f"REPUTATION#{reviewee_type}#{reviewee_id}"


REPUTATION_SK = "REPUTATION"
