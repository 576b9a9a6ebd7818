"""Job templates: starting points for posting a job, published as data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.errors import NotFoundError
from chalicelib.lazy import lazy_import
from chalicelib.schemas.reference import JobTemplateList, JobTemplateOut
from chalicelib.web.router import Api, RequestContext

if TYPE_CHECKING:
    from chalicelib.domain import job_templates
else:
    # The templates load when these routes are first called, not in every cold start.
    job_templates = lazy_import("chalicelib.domain.job_templates")

api = Api(__name__, tag="jobs")


@api.get(
    "/v1/job-templates",
    operation_id="listJobTemplates",
    summary="Every job template, with its category, skills and milestone plan",
    auth="public",
    response=JobTemplateList,
)
def list_job_templates(ctx: RequestContext) -> dict[str, Any]:
    return {"items": [template.to_json() for template in job_templates.TEMPLATES]}


@api.get(
    "/v1/job-templates/{slug}",
    operation_id="getJobTemplate",
    summary="One job template by its slug",
    auth="public",
    response=JobTemplateOut,
    errors=(404,),
)
def get_job_template(ctx: RequestContext, slug: str) -> dict[str, Any]:
    template = job_templates.get(slug)
    if template is None:
        raise NotFoundError("job template not found", {"slug": slug})
    return template.to_json()
