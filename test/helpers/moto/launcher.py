"""moto 5.2.1 as the tests start it: moto's own server, told to be truthful.

    python3 launcher.py --report FILE [moto_server arguments: -H 127.0.0.1 -p PORT ...]

Test infrastructure (CONTRIBUTING.md, "moto quirks"). Before moto's server
starts, this adds to moto what the gateways need and moto 5.2.1 lacks:

- CloudFormation models for AWS::Transfer::Server, ::User, ::Workflow and
  ::HostKey. Server and User are created in moto's own Transfer backend
  (moto.transfer.models), so DescribeServer/DescribeUser answer for them;
  moto has no workflows or host keys, so those are kept here (the model holds
  the workflow; host keys are listed per server) and ListHostKeys and
  DeleteHostKey answer. Each key has a DateImported (epoch seconds) as AWS
  gives it: the generated key the server's creation time, a HostKey the time
  it was created, so the oldest of an algorithm is the one Transfer Family
  presents. A HostKeyBody that is a {{resolve:secretsmanager:ID:SecretString}}
  dynamic reference is resolved from moto's Secrets Manager (moto resolves no
  dynamic references itself); the template keeps the reference.
- AWS::KMS::Key with Tags: CloudFormation's Key/Value tags become KMS's
  TagKey/TagValue (moto's model passes them on as they are and its tagging
  raises KeyError 'TagKey', leaving the stack half made); and its update in
  place (KeyPolicy, Description, rotation, Enabled, Tags): moto's model has
  none, so a changed key policy dropped the key from the stack.
- AWS::S3::Bucket: VersioningConfiguration is applied (moto's model applies
  only the name, encryption and tags).
- A resource removed by a stack update and added again by a later one is
  created again (moto kept the deleted one's model under its logical id).
- Route 53 hosted zone ids shaped as AWS's (Z + upper-case letters and
  digits; moto makes 22 random ones), so a zone made in moto passes the
  config's hostedZoneId check.
- Lambda Invoke for Node.js functions (runtime nodejs*), which moto runs only
  in Docker: lambda_node.py runs the stored zip's handler in a `node` child
  process (the first on PATH), warm between invocations, with the function's
  environment plus this server as AWS_ENDPOINT_URL, time-limited by its
  Timeout, errors answered as Lambda's (X-Amz-Function-Error: Unhandled).

And it REPORTS what moto still does not do: every resource moto skips (no
model for its type), every update moto cannot apply, every resource whose
creation raised. One JSON object per line in the --report file:
    {"event": "skipped"|"not-updated"|"failed", "stack": NAME, "logicalId": ID,
     "type": TYPE, "error"?: TEXT}
test/helpers/moto-report.ts reads it.

Registration must happen before the first stack is parsed: moto lists its
models once (parsing.get_model_list is lru_cached) as the direct subclasses of
CloudFormationModel, keyed by cloudformation_type(); its metaclass takes the
service from __module__.split(".")[1], so every class here claims a
moto.<service> module.
"""

import base64
import hashlib
import json
import os
import signal
import sys
import threading
import time
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

import moto.cloudformation.parsing as parsing
from moto.core.common_models import CloudFormationModel
from moto.kms import models as kms_models
from moto.moto_api._internal import mock_random
from moto.route53 import models as route53_models
from moto.s3 import models as s3_models
from moto.transfer.models import transfer_backends
from moto.transfer.responses import TransferResponse
from moto.utilities.id_generator import moto_id

import lambda_node  # beside this file (the script's folder is on sys.path)

# ---------------------------------------------------------------- the report

_report_lock = threading.Lock()
_report_file: str | None = None
_reported: set[tuple[str, ...]] = set()


def report(event: str, stack: str, logical_id: str, rtype: str, error: str | None = None) -> None:
    """One line per (event, stack, resource): moto retries skipped resources on every read."""
    key = (event, stack, logical_id, rtype)
    line: dict[str, Any] = {"event": event, "stack": stack, "logicalId": logical_id, "type": rtype}
    if error is not None:
        line["error"] = error
    with _report_lock:
        if key in _reported:
            return
        _reported.add(key)
        print(f"sftpgw-moto: {json.dumps(line)}", file=sys.stderr, flush=True)
        if _report_file:
            with open(_report_file, "a", encoding="utf-8") as f:
                f.write(json.dumps(line) + "\n")


def _stack_name(resources_map: Any) -> str:
    try:
        return str(resources_map["AWS::StackName"])
    except Exception:  # noqa: BLE001 - a name for the report only
        return "?"


_original_create = parsing.parse_and_create_resource
_original_update = parsing.parse_and_update_resource


def _reporting_create(logical_id, resource_json, resources_map, account_id, region_name):  # type: ignore[no-untyped-def]
    rtype = resource_json.get("Type", "?")
    try:
        created = _original_create(logical_id, resource_json, resources_map, account_id, region_name)
    except Exception as err:
        report("failed", _stack_name(resources_map), logical_id, rtype, f"{type(err).__name__}: {err}")
        raise
    condition = resource_json.get("Condition")
    skipped_by_condition = condition and not resources_map.lazy_condition_map[condition]
    if created is None and not skipped_by_condition and rtype not in parsing.NULL_MODELS:
        report("skipped", _stack_name(resources_map), logical_id, rtype)
    return created


def _reporting_update(logical_id, resource_json, resources_map, account_id, region_name):  # type: ignore[no-untyped-def]
    rtype = resource_json.get("Type", "?")
    try:
        updated = _original_update(logical_id, resource_json, resources_map, account_id, region_name)
    except Exception as err:
        report("failed", _stack_name(resources_map), logical_id, rtype, f"{type(err).__name__}: {err}")
        raise
    if updated is None:
        # no model, or a model without update: moto keeps None for it (the resource is gone from the stack)
        known = rtype in parsing.get_model_map()
        report("not-updated" if known else "skipped", _stack_name(resources_map), logical_id, rtype)
    return updated


parsing.parse_and_create_resource = _reporting_create
parsing.parse_and_update_resource = _reporting_update

# ---------------------------------------------------------------- removed resources forgotten

_original_map_update = parsing.ResourceMap.update


def _update_forgetting_removed(self, template, parameters=None):  # type: ignore[no-untyped-def]
    """moto's stack update deletes a resource the template dropped but keeps its model under the
    logical id, so a later update that adds the id again gets the deleted one back and creates
    nothing (a user removed by one deploy and added by the next stayed missing)."""
    removed = [name for name in self._resource_json_map if name not in template.get("Resources", {})]
    _original_map_update(self, template, parameters)
    for name in removed:
        self._parsed_resources.pop(name, None)


parsing.ResourceMap.update = _update_forgetting_removed  # type: ignore[method-assign]

# ---------------------------------------------------------------- KMS tags


def _kms_tags(props: dict[str, Any]) -> None:
    tags = props.get("Tags")
    if tags:
        props["Tags"] = [{"TagKey": t["Key"], "TagValue": t["Value"]} for t in tags]


_kms_create = kms_models.Key.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]


def _kms_key_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):  # type: ignore[no-untyped-def]
    _kms_tags(cloudformation_json.get("Properties", {}))
    return _kms_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)


kms_models.Key.create_from_cloudformation_json = classmethod(_kms_key_create)  # type: ignore[method-assign,assignment]


def _kms_key_update(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):  # type: ignore[no-untyped-def]
    """The key updated in place, as CloudFormation does for KeyPolicy, Description, EnableKeyRotation,
    Enabled and Tags (moto's model has no update: the key would vanish from the stack, and with it
    every GetAtt of its Arn)."""
    props = dict(cloudformation_json.get("Properties") or {})
    _kms_tags(props)
    backend = kms_models.kms_backends[account_id][region_name]
    key_id = original_resource.id
    if "KeyPolicy" in props:
        policy = props["KeyPolicy"]
        backend.put_key_policy(key_id, policy if isinstance(policy, str) else json.dumps(policy))
    backend.update_key_description(key_id, props.get("Description") or "")
    if props.get("EnableKeyRotation"):
        backend.enable_key_rotation(key_id)
    else:
        backend.disable_key_rotation(key_id)
    if props.get("Enabled", True):
        backend.enable_key(key_id)
    else:
        backend.disable_key(key_id)
    old_tags = [t["TagKey"] for t in backend.list_resource_tags(key_id).get("Tags", [])]
    if old_tags:
        backend.untag_resource(key_id, old_tags)
    if props.get("Tags"):
        backend.tag_resource(key_id, props["Tags"])
    return original_resource


kms_models.Key.update_from_cloudformation_json = classmethod(_kms_key_update)  # type: ignore[method-assign,assignment]

# ---------------------------------------------------------------- S3 versioning

_s3_create = s3_models.FakeBucket.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]
_s3_update = s3_models.FakeBucket.update_from_cloudformation_json.__func__  # type: ignore[attr-defined]


def _apply_versioning(bucket: Any, props: dict[str, Any], account_id: str, region_name: str) -> None:
    status = (props.get("VersioningConfiguration") or {}).get("Status")
    if status:
        backend = s3_models.s3_backends[account_id][parsing.get_partition(region_name)]
        backend.put_bucket_versioning(bucket.name, status)


def _bucket_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):  # type: ignore[no-untyped-def]
    bucket = _s3_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    _apply_versioning(bucket, cloudformation_json.get("Properties", {}), account_id, region_name)
    return bucket


def _bucket_update(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):  # type: ignore[no-untyped-def]
    bucket = _s3_update(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name)
    _apply_versioning(bucket, cloudformation_json.get("Properties", {}), account_id, region_name)
    return bucket


s3_models.FakeBucket.create_from_cloudformation_json = classmethod(_bucket_create)  # type: ignore[method-assign,assignment]
s3_models.FakeBucket.update_from_cloudformation_json = classmethod(_bucket_update)  # type: ignore[method-assign,assignment]

# ---------------------------------------------------------------- Route 53 zone ids


@moto_id
def _zone_id(resource_identifier, existing_ids=None, tags=None):  # type: ignore[no-untyped-def]
    return "Z" + "".join(route53_models.random.choice(route53_models.ROUTE53_ID_CHOICE) for _ in range(20))


route53_models.create_route53_zone_id = _zone_id

# ---------------------------------------------------------------- Transfer Family

# Host keys per (account, region, server id): moto's Transfer backend has none.
_host_keys: dict[tuple[str, str, str], list[dict[str, Any]]] = {}


def _openssh_fingerprint(public_line: str) -> str:
    """SHA256:<base64 without padding>, as ssh-keygen -lf prints it."""
    blob = base64.b64decode(public_line.split()[1])
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def _resolve_secret_reference(value: str, account_id: str, region_name: str) -> str:
    """A {{resolve:secretsmanager:...}} dynamic reference, resolved from moto's own Secrets Manager.

    moto's CloudFormation passes dynamic references on as text; AWS resolves
    them when it creates the resource. This is what moto lacks for
    AWS::Transfer::HostKey's HostKeyBody: the form
    {{resolve:secretsmanager:secret-id:SecretString:json-key:version-stage:version-id}}
    (secret-id a name or an ARN, the rest optional;
    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html).
    Any other value is returned as it is.
    """
    prefix, suffix = "{{resolve:secretsmanager:", "}}"
    if not (value.startswith(prefix) and value.endswith(suffix)):
        return value
    parts = value[len(prefix) : -len(suffix)].split(":")
    # An ARN holds colons of its own: arn:partition:secretsmanager:region:account:secret:name
    secret_id, rest = (":".join(parts[:7]), parts[7:]) if parts[0] == "arn" else (parts[0], parts[1:])
    if rest and rest[0] != "SecretString":
        raise ValueError(f"dynamic reference to {secret_id}: only SecretString is supported, not {rest[0]}")
    json_key, stage, version_id = (rest[1:] + ["", "", ""])[:3]
    from moto.secretsmanager.models import secretsmanager_backends

    answer = secretsmanager_backends[account_id][region_name].get_secret_value(
        secret_id, version_id or None, stage or None  # type: ignore[arg-type]
    )
    text = answer.get("SecretString")
    if text is None:
        raise ValueError(f"secret {secret_id} has no SecretString")
    return json.loads(text)[json_key] if json_key else text


def _host_key_of(private_pem: str) -> tuple[str, str]:
    """(type, fingerprint) of a private host key body (PEM or OpenSSH form)."""
    body = private_pem.encode()
    try:
        key = serialization.load_ssh_private_key(body, password=None)
    except ValueError:
        key = serialization.load_pem_private_key(body, password=None)
    line = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    return line.split()[0], _openssh_fingerprint(line)


def _server_kwargs(p: dict[str, Any]) -> dict[str, Any]:
    return {
        "certificate": p.get("Certificate"),
        "domain": p.get("Domain"),
        "endpoint_details": p.get("EndpointDetails"),
        "endpoint_type": p.get("EndpointType"),
        "host_key": None,
        "identity_provider_details": p.get("IdentityProviderDetails"),
        "identity_provider_type": p.get("IdentityProviderType"),
        "logging_role": p.get("LoggingRole"),
        "post_authentication_login_banner": p.get("PostAuthenticationLoginBanner"),
        "pre_authentication_login_banner": p.get("PreAuthenticationLoginBanner"),
        "protocols": p.get("Protocols"),
        "protocol_details": p.get("ProtocolDetails"),
        "security_policy_name": p.get("SecurityPolicyName"),
        "tags": p.get("Tags"),
        "workflow_details": p.get("WorkflowDetails"),
        "structured_log_destinations": p.get("StructuredLogDestinations"),
        "s3_storage_options": p.get("S3StorageOptions"),
    }


def _props(cloudformation_json: dict[str, Any]) -> dict[str, Any]:
    return dict(cloudformation_json.get("Properties") or {})


class TransferServerModel(CloudFormationModel):
    """AWS::Transfer::Server in moto's Transfer backend. Ref = the server's ARN."""

    __module__ = "moto.transfer.sftpgw_cloudformation"
    # what replaces the server in CloudFormation (createOnlyProperties)
    CREATE_ONLY = ("Domain",)

    def __init__(self, account_id: str, region_name: str, server_id: str, props: dict[str, Any]):
        self.account_id = account_id
        self.region_name = region_name
        self.server_id = server_id
        self.props = props

    @property
    def _server(self) -> Any:
        return transfer_backends[self.account_id][self.region_name].servers[self.server_id]

    @property
    def arn(self) -> str:
        return self._server.arn

    @property
    def physical_resource_id(self) -> str:
        return self.arn

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Transfer::Server"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("ServerId", "Arn")

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name == "ServerId":
            return self.server_id
        if attribute_name == "Arn":
            return self.arn
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        raise UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):  # type: ignore[no-untyped-def,override]
        props = _props(cloudformation_json)
        backend = transfer_backends[account_id][region_name]
        server_id = backend.create_server(**_server_kwargs(props))
        # Without a HostKey, Transfer Family generates the server's host key itself.
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        line = private.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
        fingerprint = _openssh_fingerprint(line)
        backend.servers[server_id].host_key_fingerprint = fingerprint
        _host_keys[(account_id, region_name, server_id)] = [
            {
                "HostKeyId": f"hostkey-{mock_random.get_random_hex(17)}",
                "Type": "ssh-rsa",
                "Fingerprint": fingerprint,
                "Description": "generated by Transfer Family",
                # The server's creation: older than every key imported after it.
                "DateImported": time.time(),
            }
        ]
        return cls(account_id, region_name, server_id, props)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):  # type: ignore[no-untyped-def,override]
        props = _props(cloudformation_json)
        if any(props.get(k) != original_resource.props.get(k) for k in cls.CREATE_ONLY):
            new = cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
            original_resource.delete(account_id, region_name)
            return new
        # moto has no UpdateServer: a server made from the new properties takes the old one's id, ARN, users and host keys
        backend = transfer_backends[account_id][region_name]
        old = backend.servers[original_resource.server_id]
        fresh_id = backend.create_server(**_server_kwargs(props))
        fresh = backend.servers.pop(fresh_id)
        fresh.server_id, fresh.arn = old.server_id, old.arn
        fresh._users, fresh.user_count = old._users, old.user_count
        fresh.host_key_fingerprint = old.host_key_fingerprint
        backend.servers[old.server_id] = fresh
        original_resource.props = props
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):  # type: ignore[no-untyped-def,override]
        server_id = resource_name.rsplit("/", 1)[-1]
        transfer_backends[account_id][region_name].servers.pop(server_id, None)
        _host_keys.pop((account_id, region_name, server_id), None)

    def delete(self, account_id: str, region_name: str) -> None:
        self.delete_from_cloudformation_json(self.arn, {}, account_id, region_name)

    def is_created(self) -> bool:
        return True


class TransferUserModel(CloudFormationModel):
    """AWS::Transfer::User in moto's Transfer backend. Ref = the user's ARN."""

    __module__ = "moto.transfer.sftpgw_cloudformation"
    CREATE_ONLY = ("ServerId", "UserName")

    def __init__(self, account_id: str, region_name: str, server_id: str, user_name: str, props: dict[str, Any]):
        self.account_id = account_id
        self.region_name = region_name
        self.server_id = server_id
        self.user_name = user_name
        self.props = props

    @property
    def arn(self) -> str:
        return f"arn:aws:transfer:{self.region_name}:{self.account_id}:user/{self.server_id}/{self.user_name}"

    @property
    def physical_resource_id(self) -> str:
        return self.arn

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Transfer::User"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("Arn", "UserName", "ServerId")

    def get_cfn_attribute(self, attribute_name: str) -> str:
        value = {"Arn": self.arn, "UserName": self.user_name, "ServerId": self.server_id}.get(attribute_name)
        if value is None:
            from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

            raise UnformattedGetAttTemplateException()
        return value

    @staticmethod
    def _create(account_id: str, region_name: str, props: dict[str, Any]) -> None:
        backend = transfer_backends[account_id][region_name]
        if props.get("ServerId") not in backend.servers:
            raise ValueError(f"AWS::Transfer::User {props.get('UserName')}: no server {props.get('ServerId')}")
        keys = list(props.get("SshPublicKeys") or [])
        backend.create_user(
            home_directory=props.get("HomeDirectory"),
            home_directory_type=props.get("HomeDirectoryType"),
            home_directory_mappings=props.get("HomeDirectoryMappings"),
            policy=props.get("Policy"),
            posix_profile=props.get("PosixProfile"),
            role=props["Role"],
            server_id=props["ServerId"],
            ssh_public_key_body=keys[0] if keys else None,
            tags=props.get("Tags"),
            user_name=props["UserName"],
        )
        for key in keys[1:]:
            backend.import_ssh_public_key(props["ServerId"], key, props["UserName"])

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):  # type: ignore[no-untyped-def,override]
        props = _props(cloudformation_json)
        cls._create(account_id, region_name, props)
        return cls(account_id, region_name, props["ServerId"], props["UserName"], props)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):  # type: ignore[no-untyped-def,override]
        props = _props(cloudformation_json)
        replace = any(props.get(k) != original_resource.props.get(k) for k in cls.CREATE_ONLY)
        if replace:
            new = cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
            original_resource.delete(account_id, region_name)
            return new
        # moto has no UpdateUser: the user is made again under the same name (same ARN)
        original_resource.delete(account_id, region_name)
        cls._create(account_id, region_name, props)
        original_resource.props = props
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):  # type: ignore[no-untyped-def,override]
        server_id, user_name = resource_name.split(":user/", 1)[1].split("/", 1)
        backend = transfer_backends[account_id][region_name]
        if server_id in backend.servers:
            try:
                backend.delete_user(server_id, user_name)
            except Exception:  # noqa: BLE001 - already gone
                pass

    def delete(self, account_id: str, region_name: str) -> None:
        self.delete_from_cloudformation_json(self.arn, {}, account_id, region_name)

    def is_created(self) -> bool:
        return True


class TransferWorkflowModel(CloudFormationModel):
    """AWS::Transfer::Workflow, kept in the model (moto has no workflows). Ref = the workflow id."""

    __module__ = "moto.transfer.sftpgw_cloudformation"
    CREATE_ONLY = ("Steps", "OnExceptionSteps", "Description")
    workflows: dict[tuple[str, str, str], "TransferWorkflowModel"] = {}

    def __init__(self, account_id: str, region_name: str, props: dict[str, Any]):
        self.account_id = account_id
        self.region_name = region_name
        self.workflow_id = f"w-{mock_random.get_random_hex(17)}"
        self.props = props
        TransferWorkflowModel.workflows[(account_id, region_name, self.workflow_id)] = self

    @property
    def arn(self) -> str:
        return f"arn:aws:transfer:{self.region_name}:{self.account_id}:workflow/{self.workflow_id}"

    @property
    def physical_resource_id(self) -> str:
        return self.workflow_id

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Transfer::Workflow"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("WorkflowId", "Arn")

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name == "WorkflowId":
            return self.workflow_id
        if attribute_name == "Arn":
            return self.arn
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        raise UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):  # type: ignore[no-untyped-def,override]
        props = _props(cloudformation_json)
        if not props.get("Steps"):
            raise ValueError("AWS::Transfer::Workflow: Steps is required")
        return cls(account_id, region_name, props)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):  # type: ignore[no-untyped-def,override]
        props = _props(cloudformation_json)
        if any(props.get(k) != original_resource.props.get(k) for k in cls.CREATE_ONLY):
            new = cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
            original_resource.delete(account_id, region_name)
            return new
        original_resource.props = props  # Tags only
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):  # type: ignore[no-untyped-def,override]
        cls.workflows.pop((account_id, region_name, resource_name), None)

    def delete(self, account_id: str, region_name: str) -> None:
        self.delete_from_cloudformation_json(self.workflow_id, {}, account_id, region_name)

    def is_created(self) -> bool:
        return True


class TransferHostKeyModel(CloudFormationModel):
    """AWS::Transfer::HostKey, listed by ListHostKeys of its server. Ref = the host key's ARN."""

    __module__ = "moto.transfer.sftpgw_cloudformation"
    CREATE_ONLY = ("ServerId", "HostKeyBody")

    def __init__(self, account_id: str, region_name: str, props: dict[str, Any]):
        self.account_id = account_id
        self.region_name = region_name
        self.server_id = props["ServerId"]
        self.host_key_id = f"hostkey-{mock_random.get_random_hex(17)}"
        # The body as AWS would receive it: the dynamic reference resolved
        # here (never kept, never logged), the key parsed for type and fingerprint.
        body = _resolve_secret_reference(props["HostKeyBody"], account_id, region_name)
        self.key_type, self.fingerprint = _host_key_of(body)
        # When it was imported: what "oldest" means to Transfer Family.
        self.date_imported = time.time()
        self.props = props

    @property
    def arn(self) -> str:
        return f"arn:aws:transfer:{self.region_name}:{self.account_id}:host-key/{self.server_id}/{self.host_key_id}"

    @property
    def physical_resource_id(self) -> str:
        return self.arn

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Transfer::HostKey"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("HostKeyId", "HostKeyFingerprint", "Arn")

    def get_cfn_attribute(self, attribute_name: str) -> str:
        value = {"HostKeyId": self.host_key_id, "HostKeyFingerprint": self.fingerprint, "Arn": self.arn}.get(attribute_name)
        if value is None:
            from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

            raise UnformattedGetAttTemplateException()
        return value

    def _entry(self) -> dict[str, Any]:
        return {
            "HostKeyId": self.host_key_id,
            "Arn": self.arn,
            "Type": self.key_type,
            "Fingerprint": self.fingerprint,
            "Description": self.props.get("Description") or "",
            "DateImported": self.date_imported,
        }

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):  # type: ignore[no-untyped-def,override]
        props = _props(cloudformation_json)
        if props.get("ServerId") not in transfer_backends[account_id][region_name].servers:
            raise ValueError(f"AWS::Transfer::HostKey: no server {props.get('ServerId')}")
        model = cls(account_id, region_name, props)
        _host_keys.setdefault((account_id, region_name, model.server_id), []).append(model._entry())
        return model

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):  # type: ignore[no-untyped-def,override]
        props = _props(cloudformation_json)
        if any(props.get(k) != original_resource.props.get(k) for k in cls.CREATE_ONLY):
            new = cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
            original_resource.delete(account_id, region_name)
            return new
        original_resource.props = props
        for entry in _host_keys.get((account_id, region_name, original_resource.server_id), []):
            if entry["HostKeyId"] == original_resource.host_key_id:
                entry["Description"] = props.get("Description") or ""
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):  # type: ignore[no-untyped-def,override]
        server_id, host_key_id = resource_name.split(":host-key/", 1)[1].split("/", 1)
        keys = _host_keys.get((account_id, region_name, server_id), [])
        keys[:] = [k for k in keys if k["HostKeyId"] != host_key_id]

    def delete(self, account_id: str, region_name: str) -> None:
        self.delete_from_cloudformation_json(self.arn, {}, account_id, region_name)

    def is_created(self) -> bool:
        return True


def _list_host_keys(self: TransferResponse) -> str:
    """transfer:ListHostKeys, which moto lacks: the generated key and the HostKey resources."""
    params = json.loads(self.body)
    server_id = params.get("ServerId")
    backend = self.transfer_backend
    if server_id not in backend.servers:
        from moto.transfer.exceptions import ServerNotFound

        raise ServerNotFound(server_id=server_id)
    keys = _host_keys.get((self.current_account, self.region, server_id), [])
    return json.dumps({"ServerId": server_id, "HostKeys": keys})


def _delete_host_key(self: TransferResponse) -> str:
    """transfer:DeleteHostKey, which moto lacks (a HostKey resource's key deleted this way is gone from its listing too, as in AWS)."""
    params = json.loads(self.body)
    server_id, host_key_id = params.get("ServerId"), params.get("HostKeyId")
    if server_id not in self.transfer_backend.servers:
        from moto.transfer.exceptions import ServerNotFound

        raise ServerNotFound(server_id=server_id)
    keys = _host_keys.get((self.current_account, self.region, server_id), [])
    if not any(k["HostKeyId"] == host_key_id for k in keys):
        from moto.core.exceptions import JsonRESTError

        raise JsonRESTError("ResourceNotFoundException", f"Unknown HostKey {host_key_id} on server {server_id}")
    keys[:] = [k for k in keys if k["HostKeyId"] != host_key_id]
    return "{}"


TransferResponse.list_host_keys = _list_host_keys  # type: ignore[attr-defined]
TransferResponse.delete_host_key = _delete_host_key  # type: ignore[attr-defined]

# ---------------------------------------------------------------- start


def _option(argv: list[str], short: str, long: str) -> str | None:
    for i, a in enumerate(argv):
        if a in (short, long) and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith(long + "="):
            return a.split("=", 1)[1]
    return None


def _stop_containers_on_term() -> None:
    """SIGTERM (how the tests stop this server): Lambda containers die with it, then the server."""

    def on_term(signum: int, _frame: Any) -> None:
        lambda_node.stop_all()
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    signal.signal(signal.SIGTERM, on_term)


def main(argv: list[str]) -> None:
    global _report_file
    if len(argv) >= 2 and argv[0] == "--report":
        _report_file = argv[1]
        argv = argv[2:]
        open(_report_file, "w").close()
    # moto_server's own options, read for the functions' endpoint (moto's defaults)
    cert = _option(argv, "-c", "--ssl-cert")
    host = _option(argv, "-H", "--host") or "127.0.0.1"
    port = _option(argv, "-p", "--port") or "5000"
    lambda_node.configure(
        endpoint=f"{'https' if cert else 'http'}://{host}:{port}",
        work_dir=os.path.join(os.path.dirname(os.path.abspath(_report_file)), "lambda") if _report_file else None,
        ca_file=os.path.abspath(cert) if cert else None,
    )
    lambda_node.install()
    _stop_containers_on_term()
    # the models are registered when moto lists them for the first time
    parsing.get_model_list.cache_clear()
    parsing.get_model_map.cache_clear()
    parsing.get_name_type_map.cache_clear()
    for t in ("AWS::Transfer::Server", "AWS::Transfer::User", "AWS::Transfer::Workflow", "AWS::Transfer::HostKey"):
        if t not in parsing.get_model_map():
            raise SystemExit(f"launcher: {t} is not registered with moto's CloudFormation")
    from moto.server import main as moto_main

    moto_main(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
