"""Table keys: the search index and featured sections."""

from __future__ import annotations


# Search index (docs/search.md): postings per bucket, and per talent a directory of the
# buckets it is posted in, so that a reindex knows what to remove.
def search_pk(bucket: str) -> str:
    return f"SRCH#{bucket}"


def search_rating_gsi1pk(bucket: str) -> str:
    return f"SRCH#{bucket}#R"


def search_price_gsi2pk(bucket: str, currency: str) -> str:
    return f"SRCH#{bucket}#P#{currency}"


def search_directory_pk(talent_id: str) -> str:
    return f"SRCHDIR#{talent_id}"


SEARCH_DIRECTORY_SK = "BUCKETS"
FEATURED_PK = "FEATURED"


def featured_sk(section: str) -> str:
    return f"SECTION#{section}"
