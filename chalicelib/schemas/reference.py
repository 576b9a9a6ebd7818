"""Reference data the API publishes (categories, job templates, process definitions, this
API's own document) and small acknowledgements: what those routes give."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from chalicelib.schemas.common import ApiModel


class CategoryNode(ApiModel):
    slug: str = Field(description="dotted path, e.g. `music.oud`")
    name: str
    children: list[CategoryNode]


class CategoryTree(ApiModel):
    items: list[CategoryNode]


class TemplateMilestone(ApiModel):
    title: str
    description: str
    share_bps: int = Field(description="share of the budget in basis points (10000 = all)")
    duration_days: int
    dod: list[str] = Field(description="definition of done")


class JobTemplateOut(ApiModel):
    slug: str
    title: str
    description: str
    category: str
    skills: list[str]
    budget_type: Literal["fixed", "hourly"]
    milestones: list[TemplateMilestone]


class JobTemplateList(ApiModel):
    items: list[JobTemplateOut]


class InviteOut(ApiModel):
    job_id: str
    talent_id: str


class ProcessParam(ApiModel):
    name: str
    type: str
    required: bool
    choices: list[str]


class ProcessTransition(ApiModel):
    model_config = ConfigDict(defer_build=True, populate_by_name=True)

    name: str
    from_: list[str] = Field(alias="from")
    to: list[str]
    actors: list[str]
    params: list[ProcessParam]
    guards: list[str]
    effects: list[str]


class ProcessOut(ApiModel):
    """One version of a process definition, as data (timers and reminders as the engine
    reads them)."""

    name: str
    version: int
    description: str
    initial: str
    states: list[str]
    terminal: list[str]
    transitions: list[ProcessTransition]
    timers: list[dict[str, object]]
    reminders: list[dict[str, object]]


class ProcessList(ApiModel):
    items: list[ProcessOut]


class ApiDocument(ApiModel):
    """An OpenAPI 3.1 document (this one)."""

    model_config = ConfigDict(defer_build=True, extra="allow")

    openapi: str
    info: dict[str, object]
    paths: dict[str, object]


class WebhookAck(ApiModel):
    """The answer a provider is given once its callback is stored (some providers are
    answered with the plain text they expect instead)."""

    model_config = ConfigDict(defer_build=True, extra="allow")

    received: bool | None = None
