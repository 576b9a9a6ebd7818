"""Build the deployable SAM template: `chalice package` output plus infra/resources.json.

    python -m infra.package OUTDIR [--stage prod]

Chalice generates the functions, their event sources, the schedule and the REST API; the
resources they use live in infra/resources.json. This module merges the two and wires the
functions to those resources in the places chalice has no setting for. The deployment zip
leaves boto3 and botocore to the Lambda runtime (infra/slim.py says why) and carries the
bytecode of everything else (infra/bytecode.py).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from chalicelib.notify.i18n import BABEL_DATA_FILES
from infra import bytecode, slim
from infra.limits import apply_limits

Template = dict[str, Any]

PROJECT_DIR = Path(__file__).resolve().parent.parent
RESOURCES_FILE = Path(__file__).resolve().parent / "resources.json"
ENVIRONMENT_METADATA = "Marketplace::FunctionEnvironment"
FUNCTION_ROLE = "AppFunctionRole"
REST_API = "RestAPI"
# AppFunctionRole may write logs only under this prefix, so every function must carry it.
FUNCTION_NAME = "marketplace-${Stage}-%s"
MERGED_SECTIONS = ("Parameters", "Conditions", "Resources", "Outputs")
SERVERLESS_FUNCTION = "AWS::Serverless::Function"


class PackagingError(Exception):
    """The chalice output and infra/resources.json do not fit together."""


def load_resources(path: Path = RESOURCES_FILE) -> Template:
    resources: Template = json.loads(path.read_text())
    return resources


def chalice_package(stage: str, outdir: Path) -> Template:
    """Run `chalice package` and copy its artefacts (deployment.zip) into outdir.

    Chalice writes into a scratch directory so that OUTDIR, which the caller names, is
    only ever added to, never cleaned by us."""
    chalice = Path(sysconfig.get_path("scripts")) / "chalice"
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1")}
    with tempfile.TemporaryDirectory(prefix="chalice-package-") as scratch:
        command = [str(chalice), "--project-dir", str(PROJECT_DIR), "package"]
        subprocess.run([*command, "--stage", stage, scratch], check=True, env=env)  # noqa: S603
        generated: Template = json.loads((Path(scratch) / "sam.json").read_text())
        outdir.mkdir(parents=True, exist_ok=True)
        for artefact in Path(scratch).iterdir():
            if artefact.name != "sam.json":
                shutil.copy2(artefact, outdir / artefact.name)
    return generated


def merge(generated: Template, fragment: Template) -> Template:
    template = copy.deepcopy(generated)
    for section in MERGED_SECTIONS:
        additions = fragment.get(section, {})
        target = template.setdefault(section, {})
        clashes = sorted(target.keys() & additions.keys())
        if clashes:
            raise PackagingError(f"{section} defined by both chalice and infra: {clashes}")
        target.update(copy.deepcopy(additions))
    return {section: body for section, body in template.items() if body != {}}


def functions(template: Template) -> Iterator[tuple[str, dict[str, Any]]]:
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] == SERVERLESS_FUNCTION:
            yield logical_id, resource["Properties"]


def function_runtime(template: Template) -> str:
    """The one Python runtime every function uses (the zip's bytecode is built for it)."""
    runtimes = {properties["Runtime"] for _, properties in functions(template)}
    if len(runtimes) != 1:
        raise PackagingError(f"functions must share one runtime, not {sorted(runtimes)}")
    return runtimes.pop()


def queue_ids_by_name(template: Template) -> dict[str, str]:
    return {
        resource["Properties"]["QueueName"]: logical_id
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::SQS::Queue"
    }


def _short_name(handler: str) -> str:
    # chalice handlers are "app.<function>"; the REST API's is "app.app".
    name = handler.rsplit(".", 1)[-1]
    return "api" if name == "app" else name


def _queue_name(queue: Any) -> str:
    # chalice writes a queue given by name as {"Fn::Sub": "arn:...:${AWS::AccountId}:<name>"}.
    arn = queue.get("Fn::Sub") if isinstance(queue, dict) else queue
    if not isinstance(arn, str):
        raise PackagingError(f"unexpected SQS event source queue {queue!r}")
    return arn.rsplit(":", 1)[-1]


def wire_sqs_event(properties: dict[str, Any], queues: dict[str, str]) -> None:
    name = _queue_name(properties["Queue"])
    if name not in queues:
        raise PackagingError(f"a function consumes {name!r}, which infra does not define")
    properties["Queue"] = {"Fn::GetAtt": [queues[name], "Arn"]}
    # Without it one failed record makes Lambda retry the whole batch (chalice can't set it).
    properties["FunctionResponseTypes"] = ["ReportBatchItemFailures"]


def add_log_group(resources: dict[str, Any], logical_id: str, function_name: str) -> str:
    """The group exists before the function runs, so Lambda never creates it unmanaged (the
    role has no logs:CreateLogGroup) and retention applies from the first line. chalice's
    own log_retention_in_days is not used: chalice 1.34 names the API handler's group after
    ${ApiHandler}, a resource that does not exist (the function is APIHandler)."""
    log_group = f"{logical_id}LogGroup"
    if log_group in resources:
        raise PackagingError(f"{log_group} already exists; is log_retention_in_days set?")
    resources[log_group] = {
        "Type": "AWS::Logs::LogGroup",
        "DeletionPolicy": "Delete",
        "UpdateReplacePolicy": "Delete",
        "Properties": {
            "LogGroupName": {"Fn::Sub": f"/aws/lambda/{function_name}"},
            "RetentionInDays": {"Ref": "LogRetentionInDays"},
        },
    }
    return log_group


def wire_functions(template: Template, environment: dict[str, Any]) -> None:
    queues = queue_ids_by_name(template)
    resources = template["Resources"]
    for logical_id, properties in list(functions(template)):
        function_name = FUNCTION_NAME % _short_name(properties["Handler"])
        properties["FunctionName"] = {"Fn::Sub": function_name}
        properties["Role"] = {"Fn::GetAtt": [FUNCTION_ROLE, "Arn"]}
        resources[logical_id]["DependsOn"] = add_log_group(resources, logical_id, function_name)
        variables = properties.setdefault("Environment", {}).setdefault("Variables", {})
        variables.update(copy.deepcopy(environment))
        for event in properties.get("Events", {}).values():
            if event["Type"] == "SQS":
                wire_sqs_event(event["Properties"], queues)


def fold_gateway_responses(template: Template) -> None:
    """Move GatewayResponse resources into the API definition.

    API Gateway serves gateway responses from the deployment snapshot; standalone
    AWS::ApiGateway::GatewayResponse resources are not part of the deployment SAM creates,
    so they would only take effect after some later, unrelated redeploy. Inside the
    DefinitionBody they are deployed with the API and change its deployment hash."""
    resources = template["Resources"]
    body = resources[REST_API]["Properties"]["DefinitionBody"]
    responses = body.setdefault("x-amazon-apigateway-gateway-responses", {})
    folded = [
        logical_id
        for logical_id, resource in resources.items()
        if resource["Type"] == "AWS::ApiGateway::GatewayResponse"
    ]
    for logical_id in folded:
        properties = resources.pop(logical_id)["Properties"]
        if properties.get("RestApiId") != {"Ref": REST_API}:
            raise PackagingError(f"{logical_id} must belong to the {REST_API} chalice generates")
        response: dict[str, Any] = {
            "responseParameters": properties.get("ResponseParameters", {}),
            "responseTemplates": properties.get("ResponseTemplates", {}),
        }
        if "StatusCode" in properties:
            response["statusCode"] = properties["StatusCode"]
        responses[properties["ResponseType"]] = response


def build_template(generated: Template, fragment: Template, stage: str) -> Template:
    """The deployable template; pure, so tests can check it without running chalice."""
    template = merge(generated, fragment)
    template["Parameters"]["Stage"]["Default"] = stage
    wire_functions(template, fragment["Metadata"][ENVIRONMENT_METADATA])
    short_names = {lid: _short_name(props["Handler"]) for lid, props in functions(template)}
    apply_limits(template, fragment, short_names)
    fold_gateway_responses(template)
    return template


def write_template(template: Template, outdir: Path) -> Path:
    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / "sam.json"
    path.write_text(json.dumps(template, indent=2, sort_keys=False) + "\n")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.package", description=__doc__)
    parser.add_argument("outdir", type=Path, help="where sam.json and deployment.zip go")
    parser.add_argument("--stage", default="prod", help="chalice stage to package")
    args = parser.parse_args(argv)
    generated = chalice_package(args.stage, args.outdir)
    archive = args.outdir / "deployment.zip"
    for dist in slim.prune(archive):
        sys.stdout.write(f"left {dist.name} {dist.version} to the Lambda runtime\n")
    dropped = slim.prune_locale_data(archive, BABEL_DATA_FILES)
    sys.stdout.write(f"left out {dropped} Babel locales the notifications do not use\n")
    compiled = bytecode.add_bytecode(archive, function_runtime(generated))
    sys.stdout.write(f"compiled {compiled} modules into {archive.name}\n")
    path = write_template(build_template(generated, load_resources(), args.stage), args.outdir)
    sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
