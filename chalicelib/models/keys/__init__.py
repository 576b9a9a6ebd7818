"""Every key string in the table is built in this package and nowhere else, one module per
area; callers import the package (`keys.thread_pk(...)`), which gathers them all."""

from __future__ import annotations

from chalicelib.models.keys.conversations import *  # noqa: F403
from chalicelib.models.keys.identity import *  # noqa: F403
from chalicelib.models.keys.limits import *  # noqa: F403
from chalicelib.models.keys.money import *  # noqa: F403
from chalicelib.models.keys.notifications import *  # noqa: F403
from chalicelib.models.keys.reviews import *  # noqa: F403
from chalicelib.models.keys.search import *  # noqa: F403
from chalicelib.models.keys.supply import *  # noqa: F403
from chalicelib.models.keys.transactions import *  # noqa: F403
