"""Page through the wharf emulator with the official SDKs, unchanged.

Run by tests/interop/run_emulator_interop.sh, which starts the emulator on a
generated dataset and passes its address and credentials here. Checks:

- huaweicloudsdkswr: SwrClient.list_repos_details pages through every
  repository with plain parameters (offset/limit), and with a raw `filter`
  (all repositories, then namespace by namespace); names, order, counts and
  Content-Range match the dataset. A wrong secret key is refused (401).
- ucloud-sdk-python3: uhub().get_repo_image pages through every image of
  every UHub repo (SWR namespace); names and TotalCount match. A wrong
  private key is refused (RetCode 171).

HOME must point at a temporary folder: importing the Huawei SDK writes
$HOME/.huaweicloud/application_id.
"""

import argparse
import json
import logging
import re
import sys

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkswr.v2 import ListReposDetailsRequest, SwrClient
from ucloud.client import Client
from ucloud.core.exc import RetCodeException

PAGE = 40
UHUB_PAGE = 7


def fail(message):
    print(f"emulator interop: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def expected_repositories(dataset):
    """(namespace, name) of every repository, in the emulator's default order."""
    pairs = [
        (ns["name"], repo["name"])
        for ns in dataset["namespaces"]
        for repo in ns.get("repositories", [])
    ]
    return sorted(pairs)


def swr_client(endpoint, ak, sk):
    config = HttpConfig.get_default_config()
    config.timeout = (5, 30)
    credentials = BasicCredentials(ak, sk, "wharf-interop-project")
    return (
        SwrClient.new_builder()
        .with_http_config(config)
        .with_credentials(credentials)
        .with_endpoint(endpoint)
        .build()
    )


def parse_content_range(value):
    match = re.fullmatch(r"(\d+)-(\d+)/(\d+)", value or "")
    check(match is not None, f"bad Content-Range {value!r}")
    return tuple(int(group) for group in match.groups())


def page_through(client, make_request):
    """Every repository, one page at a time, advancing by the items received."""
    seen = []
    offset = 0
    while True:
        response = client.list_repos_details(make_request(offset))
        items = response.body or []
        start, count, total = parse_content_range(response.content_range)
        check(start == offset, f"Content-Range starts at {start}, asked {offset}")
        check(count == len(items), f"Content-Range counts {count}, got {len(items)}")
        for item in items:
            check(item.total_range == total, f"total_range {item.total_range} != {total}")
        seen.extend((item.namespace, item.name) for item in items)
        offset += len(items)
        if not items or offset >= total:
            return seen, total


def check_swr(args, expected):
    client = swr_client(args.endpoint, args.ak, args.sk)

    def plain(offset):
        return ListReposDetailsRequest(offset=str(offset), limit=str(PAGE))

    seen, total = page_through(client, plain)
    check(total == len(expected), f"plain: total {total}, dataset has {len(expected)}")
    check(seen == expected, "plain: names or order differ from the dataset")

    def raw_filter(offset):
        return ListReposDetailsRequest(filter=f"offset::{offset}|limit::{PAGE}")

    seen, total = page_through(client, raw_filter)
    check(seen == expected, "filter: names or order differ from the dataset")

    for namespace in sorted({ns for ns, _ in expected}):
        def in_namespace(offset, namespace=namespace):
            text = f"namespace::{namespace}|offset::{offset}|limit::{PAGE}"
            return ListReposDetailsRequest(filter=text)

        seen, total = page_through(client, in_namespace)
        wanted = [pair for pair in expected if pair[0] == namespace]
        check(seen == wanted, f"filter namespace::{namespace}: listing differs")
        check(total == len(wanted), f"filter namespace::{namespace}: total {total}")

    whole = client.list_repos_details(ListReposDetailsRequest(namespace=expected[0][0]))
    check(whole.content_range is None, "Content-Range sent without offset and limit")

    wrong = swr_client(args.endpoint, args.ak, args.sk + "-wrong")
    try:
        wrong.list_repos_details(ListReposDetailsRequest(limit="1", offset="0"))
        fail("a wrong secret key was accepted")
    except ClientRequestException as error:
        check(error.status_code == 401, f"wrong key: status {error.status_code}")
    return len(expected)


def uhub_client(endpoint, public_key, private_key):
    client = Client(
        {
            "region": "cn-bj2",
            "public_key": public_key,
            "private_key": private_key,
            "base_url": endpoint,
            "timeout": 30,
            "max_retries": 0,
        }
    ).uhub()
    # The SDK logs every request and response at INFO; only failures matter here.
    logging.getLogger("ucloud").setLevel(logging.ERROR)
    return client


def check_uhub(args, dataset):
    client = uhub_client(args.endpoint, args.public_key, args.private_key)
    checked = 0
    for ns in dataset["namespaces"]:
        wanted = sorted(repo["name"] for repo in ns.get("repositories", []))
        seen = []
        offset = 0
        while True:
            response = client.get_repo_image(
                {"RepoName": ns["name"], "Offset": offset, "Limit": UHUB_PAGE}
            )
            images = response.get("ImageSet") or []
            total = response.get("TotalCount")
            check(total == len(wanted), f"{ns['name']}: TotalCount {total}")
            for image in images:
                check(image["RepoName"] == ns["name"], f"RepoName {image['RepoName']}")
            seen.extend(image["ImageName"] for image in images)
            offset += len(images)
            if not images or offset >= total:
                break
        check(seen == wanted, f"{ns['name']}: images differ from the dataset")
        checked += len(seen)

    wrong = uhub_client(args.endpoint, args.public_key, args.private_key + "-wrong")
    try:
        wrong.get_repo_image({"RepoName": dataset["namespaces"][0]["name"]})
        fail("a wrong private key was accepted")
    except RetCodeException as error:
        check(error.code == 171, f"wrong key: RetCode {error.code}")
    return checked


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--ak", required=True)
    parser.add_argument("--sk", required=True)
    parser.add_argument("--public-key", required=True)
    parser.add_argument("--private-key", required=True)
    args = parser.parse_args()
    with open(args.dataset, encoding="utf-8") as file:
        dataset = json.load(file)
    expected = expected_repositories(dataset)
    check(len(expected) > PAGE, "the dataset should span several pages")
    repositories = check_swr(args, expected)
    images = check_uhub(args, dataset)
    print(
        f"emulator interop: ok: huaweicloudsdkswr paged {repositories} repositories "
        f"(plain, filter, per namespace); ucloud-sdk-python3 paged {images} images"
    )


if __name__ == "__main__":
    main()
