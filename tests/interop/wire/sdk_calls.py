"""The SDK side of the wire-level differential test.

    python sdk_calls.py --endpoint URL --calls calls.json --ak AK --sk SK \
        --project-id P --public-key K --private-key K --region R --uhub-project P

Makes each call of calls.json that an official SDK has (`"sdk": true`) with
that SDK, unchanged, against the capture server at URL: huaweicloudsdkswr's
SwrClient with BasicCredentials(ak, sk, project_id) and the endpoint
overridden, and ucloud-sdk-python3's Client(...).uhub(). Before each call it
posts a mark (`side` "sdk", `call` its name) to the server, so the server
can tell the calls apart.

HOME must point at a temporary folder: importing the Huawei SDK writes
$HOME/.huaweicloud/application_id. Exit status 0 when every call finished,
1 when one raised (its name and the error on stderr).
"""

import argparse
import json
import logging
import sys
import urllib.request

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkswr.v2 import (
    DeleteRepoTagRequest,
    ListNamespacesRequest,
    ListReposDetailsRequest,
    ListRepositoryTagsRequest,
    ShowRepositoryRequest,
    ShowRepoTagRequest,
    SwrClient,
)
from ucloud.client import Client


def mark(endpoint, side, call):
    """Tells the capture server that the requests that follow are `call`'s."""
    body = json.dumps({"side": side, "call": call}).encode()
    request = urllib.request.Request(
        f"{endpoint}/__wire__/mark",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def swr_client(args):
    config = HttpConfig.get_default_config()
    config.timeout = (5, 30)
    credentials = BasicCredentials(args.ak, args.sk, args.project_id)
    return (
        SwrClient.new_builder()
        .with_http_config(config)
        .with_credentials(credentials)
        .with_endpoint(args.endpoint)
        .build()
    )


def uhub_client(args):
    return Client(
        {
            "base_url": args.endpoint,
            "public_key": args.public_key,
            "private_key": args.private_key,
            "region": args.region,
            "project_id": args.uhub_project,
            "max_retries": 0,
        }
    ).uhub()


def text(value):
    """The SDK types every SWR query parameter as a string."""
    return None if value is None else str(value)


def list_repos(swr, _uhub, a):
    swr.list_repos_details(
        ListReposDetailsRequest(
            namespace=a.get("namespace"),
            name=a.get("name"),
            category=a.get("category"),
            offset=text(a.get("offset")),
            limit=text(a.get("limit")),
        )
    )


def list_namespaces(swr, _uhub, a):
    if a.get("mode"):
        # The SDK has no `mode`: it takes the filter text its docstring
        # documents, `namespace::{namespace}|mode::{mode}`.
        terms = []
        if a.get("namespace"):
            terms.append(f"namespace::{a['namespace']}")
        terms.append(f"mode::{a['mode']}")
        swr.list_namespaces(ListNamespacesRequest(filter="|".join(terms)))
    else:
        swr.list_namespaces(ListNamespacesRequest(namespace=a.get("namespace")))


def list_repository_tags(swr, _uhub, a):
    swr.list_repository_tags(
        ListRepositoryTagsRequest(
            namespace=a["namespace"],
            repository=a["repository"],
            offset=text(a.get("offset")),
            limit=text(a.get("limit")),
            order_column=a.get("order_column"),
            order_type=a.get("order_type"),
            tag=a.get("tag"),
        )
    )


def show_repository(swr, _uhub, a):
    swr.show_repository(ShowRepositoryRequest(namespace=a["namespace"], repository=a["repository"]))


def show_repo_tag(swr, _uhub, a):
    swr.show_repo_tag(
        ShowRepoTagRequest(namespace=a["namespace"], repository=a["repository"], tag=a["tag"])
    )


def delete_repo_tag(swr, _uhub, a):
    swr.delete_repo_tag(
        DeleteRepoTagRequest(namespace=a["namespace"], repository=a["repository"], tag=a["tag"])
    )


def get_repo(_swr, uhub, a):
    uhub.get_repo(dict(a))


def get_repo_image(_swr, uhub, a):
    uhub.get_repo_image(dict(a))


def get_image_tag(_swr, uhub, a):
    uhub.get_image_tag(dict(a))


def delete_repo_image(_swr, uhub, a):
    uhub.delete_repo_image(dict(a))


OPS = {
    "swr.list_repos": list_repos,
    "swr.list_namespaces": list_namespaces,
    "swr.list_repository_tags": list_repository_tags,
    "swr.show_repository": show_repository,
    "swr.show_repository_tag": show_repo_tag,
    "swr.delete_repository_tag": delete_repo_tag,
    "uhub.get_repo": get_repo,
    "uhub.get_repo_image": get_repo_image,
    "uhub.get_image_tag": get_image_tag,
    # One tag: the SDK has no call of its own, it is GetImageTag with a TagName.
    "uhub.show_image_tag": get_image_tag,
    "uhub.delete_image_tag": delete_repo_image,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in (
        "endpoint",
        "calls",
        "ak",
        "sk",
        "project-id",
        "public-key",
        "private-key",
        "region",
        "uhub-project",
    ):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--only", help="make only this call")
    args = parser.parse_args()
    # The ucloud SDK logs every request and response at INFO.
    logging.disable(logging.INFO)
    with open(args.calls, encoding="utf-8") as f:
        calls = json.load(f)["calls"]
    swr = swr_client(args)
    uhub = uhub_client(args)
    failed = 0
    made = 0
    for call in calls:
        if not call["sdk"] or (args.only and call["name"] != args.only):
            continue
        op = OPS.get(call["op"])
        if op is None:
            print(f"sdk side: {call['name']}: no SDK call for op {call['op']!r}", file=sys.stderr)
            failed += 1
            continue
        mark(args.endpoint, "sdk", call["name"])
        try:
            op(swr, uhub, call["args"])
            made += 1
        except Exception as error:  # a failed call is reported, the rest still run
            print(f"sdk side: {call['name']} failed: {type(error).__name__}: {error}", file=sys.stderr)
            failed += 1
    print(f"sdk side: {made} calls made, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
