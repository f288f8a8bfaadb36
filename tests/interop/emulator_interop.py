"""Page through the wharf emulator with the official SDKs, unchanged.

Run by tests/interop/run_emulator_interop.sh, which starts the emulator on a
generated dataset and passes its address and credentials here. Checks:

- huaweicloudsdkswr: SwrClient.list_repos_details pages through every
  repository with plain parameters (offset/limit), and with a raw `filter`
  (all repositories, then namespace by namespace); names, order, counts and
  Content-Range match the dataset. A wrong secret key is refused (401).
- huaweicloudsdkswr: SwrClient.list_namespaces lists every namespace, then
  each by name (plain `namespace`, and `filter=namespace::..|mode::visible`);
  SwrClient.list_repository_tags pages through the tags of a few
  repositories (one per namespace, and those with `/` in their names, sent
  as the SDK encodes them and as `$`) with plain parameters, with a raw
  `filter` in ascending order, and with a `tag` filter; names, order, counts
  and Content-Range match the dataset, and a missing repository is a 404.
- huaweicloudsdkswr: SwrClient.show_repository shows a repository per
  namespace and those with `/` in their names (as the SDK encodes them, and
  as `$`); every field matches the dataset and the other calls (`id` is the
  tags' `repo_id`, `ns_id` the namespace's id in list_namespaces), and a
  missing repository or namespace is the SDK's 404 exception.
- ucloud-sdk-python3: uhub().get_repo_image pages through every image of
  every UHub repo (SWR namespace); names and TotalCount match. A wrong
  private key is refused (RetCode 171). uhub().get_repo lists the public
  repos (IsShared) without Type and with Type=public, the private ones with
  Type=private, page by page.
- huaweicloudsdkswr: SwrClient.show_repo_tag shows every tag of a
  repository per namespace and of those with `/` in their names (as the SDK
  encodes them, and as `$`): every field is the listed item's and the
  dataset's; a missing tag is the SDK's 404 exception.
- ucloud-sdk-python3: uhub().get_image_tag with TagName gives that tag
  alone, its digest as in the dataset.
- Then, changing the catalog (last, since every check above reads it as
  the file has it): SwrClient.delete_repo_tag deletes a tag of a repository
  with `/` in its name (sent as `$`), answered 200; the tag is gone from
  show_repo_tag (404), list_repository_tags, list_repos_details'
  num_images, and UHub's get_image_tag with TagName (TotalCount 0);
  deleting it again is a 404. uhub().delete_repo_image with TagName
  deletes a tag of another image; it is gone from show_repo_tag,
  list_repository_tags and get_image_tag, and deleting it again is RetCode
  232.

HOME must point at a temporary folder: importing the Huawei SDK writes
$HOME/.huaweicloud/application_id.
"""

import argparse
import datetime
import json
import logging
import re
import sys

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
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
from ucloud.core.exc import RetCodeException

PAGE = 40
UHUB_PAGE = 7
TAG_PAGE = 2


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


def check_namespaces(args, dataset):
    client = swr_client(args.endpoint, args.ak, args.sk)
    wanted = sorted(ns["name"] for ns in dataset["namespaces"])
    listed = client.list_namespaces(ListNamespacesRequest()).namespaces or []
    check([ns.name for ns in listed] == wanted, "list_namespaces: names differ")
    check(
        [ns.id for ns in listed] == list(range(1, len(wanted) + 1)),
        "list_namespaces: ids are not 1.. in name order",
    )
    for ns in listed:
        check(ns.auth == 7, f"{ns.name}: auth {ns.auth}")
        check(ns.creator_name == dataset["domain_name"], f"{ns.name}: creator {ns.creator_name}")
    for name in wanted:
        for request in (
            ListNamespacesRequest(namespace=name),
            ListNamespacesRequest(filter=f"namespace::{name}|mode::visible"),
        ):
            one = client.list_namespaces(request).namespaces or []
            check([ns.name for ns in one] == [name], f"list_namespaces {name}: {one}")
    return len(wanted)


def instant(text):
    """A tag time as an aware datetime: RFC 3339, `Z` or an offset, any fraction."""
    match = re.fullmatch(r"(.*?)(\.\d+)?(Z|[+-]\d\d:\d\d)", text)
    check(match is not None, f"bad time {text!r}")
    head, fraction, zone = match.groups()
    fraction = (fraction or ".0")[:7]
    zone = "+00:00" if zone == "Z" else zone
    return datetime.datetime.fromisoformat(head + fraction + zone)


def expected_tags(repo, ascending=False):
    """Tag names in the emulator's order: newest first, or oldest first;
    equal times keep the dataset's order both ways."""
    tags = list(enumerate(repo.get("tags", [])))
    sign = 1 if ascending else -1
    tags.sort(key=lambda pair: (sign * instant(pair[1]["updated_at"]).timestamp(), pair[0]))
    return [tag["name"] for _, tag in tags]


def page_tags(client, make_request):
    """Every tag of one repository, one page at a time."""
    seen = []
    offset = 0
    while True:
        response = client.list_repository_tags(make_request(offset))
        items = response.body or []
        start, count, total = parse_content_range(response.content_range)
        check(start == offset, f"tags: Content-Range starts at {start}, asked {offset}")
        check(count == len(items), f"tags: Content-Range counts {count}, got {len(items)}")
        seen.extend(items)
        offset += len(items)
        if not items or offset >= total:
            return seen, total


def check_tags(args, dataset):
    client = swr_client(args.endpoint, args.ak, args.sk)
    chosen = []
    for ns in dataset["namespaces"]:
        repos = sorted(ns.get("repositories", []), key=lambda r: r["name"])
        if repos:
            chosen.append((ns["name"], repos[0], repos[0]["name"]))
        slashed = [r for r in repos if "/" in r["name"]][:1]
        for repo in slashed:
            chosen.append((ns["name"], repo, repo["name"]))
            # As terraform writes it: the SDK then sends `%24`.
            chosen.append((ns["name"], repo, repo["name"].replace("/", "$")))
    check(any("/" in name for _, _, name in chosen), "the dataset has no repository with `/`")
    pages = 0
    for namespace, repo, segment in chosen:
        where = f"{namespace}/{segment}"
        newest = expected_tags(repo)

        def plain(offset, namespace=namespace, segment=segment):
            return ListRepositoryTagsRequest(
                namespace=namespace, repository=segment, offset=str(offset), limit=str(TAG_PAGE)
            )

        seen, total = page_tags(client, plain)
        check([t.tag for t in seen] == newest, f"{where}: tags or order differ")
        check(total == len(newest), f"{where}: total {total}")
        path = f"/{namespace}/{repo['name']}:"
        for tag in seen:
            check(tag.path.endswith(path + tag.tag), f"{where}: path {tag.path}")
        by_name = {tag["name"]: tag for tag in repo.get("tags", [])}
        for tag in seen:
            record = by_name[tag.tag]
            check(tag.digest == record["digest"], f"{where}:{tag.tag}: digest")
            check(tag.size == record["size"], f"{where}:{tag.tag}: size")
        pages += (len(seen) + TAG_PAGE - 1) // TAG_PAGE

        def ascending(offset, namespace=namespace, segment=segment):
            text = f"order_column::updated_at|order_type::asc|offset::{offset}|limit::{TAG_PAGE}"
            return ListRepositoryTagsRequest(namespace=namespace, repository=segment, filter=text)

        seen, _ = page_tags(client, ascending)
        check([t.tag for t in seen] == expected_tags(repo, True), f"{where}: ascending differs")

        if newest:
            one = client.list_repository_tags(
                ListRepositoryTagsRequest(namespace=namespace, repository=segment, tag=newest[0])
            )
            names = [t.tag for t in one.body or []]
            check(one.content_range is None, f"{where}: Content-Range without offset and limit")
            check(
                names == [n for n in newest if newest[0] in n],
                f"{where}: tag={newest[0]} gave {names}",
            )

    namespace = chosen[0][0]
    try:
        client.list_repository_tags(
            ListRepositoryTagsRequest(namespace=namespace, repository="no-such-repository")
        )
        fail("a missing repository was listed")
    except ClientRequestException as error:
        check(error.status_code == 404, f"missing repository: status {error.status_code}")
        # The SDK reads `errorCode` only beside `errorMsg`, not SWR's
        # `errorMessage`: it falls back to the status as the code and keeps
        # the whole body as the message.
        check(
            "SVCSTG.SWR.4040002" in (error.error_msg or ""),
            f"missing repository: {error.error_code} {error.error_msg}",
        )
    distinct = len({(namespace, repo["name"]) for namespace, repo, _ in chosen})
    return distinct, len(chosen), pages


def check_show_repository(args, dataset):
    """show_repository of a few repositories, each field against the dataset."""
    client = swr_client(args.endpoint, args.ak, args.sk)
    order = expected_repositories(dataset)
    names = sorted(ns["name"] for ns in dataset["namespaces"])
    namespace_ids = {name: i + 1 for i, name in enumerate(names)}
    chosen = []
    for ns in dataset["namespaces"]:
        repos = sorted(ns.get("repositories", []), key=lambda r: r["name"])
        if repos:
            chosen.append((ns["name"], repos[0], repos[0]["name"]))
        for repo in [r for r in repos if "/" in r["name"]][:1]:
            # The SDK sends `%2F`; as terraform writes it, `$` (sent as `%24`).
            chosen.append((ns["name"], repo, repo["name"]))
            chosen.append((ns["name"], repo, repo["name"].replace("/", "$")))
    check(any("/" in name for _, _, name in chosen), "the dataset has no repository with `/`")
    for namespace, repo, segment in chosen:
        where = f"show_repository {namespace}/{segment}"
        shown = client.show_repository(
            ShowRepositoryRequest(namespace=namespace, repository=segment)
        )
        tags = repo.get("tags", [])
        wanted = {
            "id": order.index((namespace, repo["name"])) + 1,
            "ns_id": namespace_ids[namespace],
            "name": repo["name"],
            "category": repo["category"],
            "description": repo.get("description", ""),
            "creator_name": dataset["domain_name"],
            "size": sum(tag["size"] for tag in tags),
            "is_public": repo.get("is_public", False),
            "num_images": len(tags),
            "num_download": repo.get("num_download", 0),
            "url": "",
            "path": f"{dataset['registry']}/{namespace}/{repo['name']}",
            "internal_path": f"{dataset['internal_registry']}/{namespace}/{repo['name']}",
            "created": repo["created_at"],
            "updated": repo["updated_at"],
            "priority": 0,
        }
        for field, value in wanted.items():
            got = getattr(shown, field)
            check(got == value, f"{where}: {field} {got!r}, dataset {value!r}")
        for field in ("creator_id", "domain_id"):
            value = getattr(shown, field) or ""
            check(re.fullmatch(r"[0-9a-f]{32}", value) is not None, f"{where}: {field} {value!r}")
        check(shown.creator_id != shown.domain_id, f"{where}: creator_id is domain_id")
        if tags:
            one = client.list_repository_tags(
                ListRepositoryTagsRequest(
                    namespace=namespace, repository=segment, offset="0", limit="1"
                )
            ).body
            check(
                one[0].repo_id == shown.id,
                f"{where}: id {shown.id}, tags' repo_id {one[0].repo_id}",
            )
            check(one[0].domain_id == shown.domain_id, f"{where}: domain_id unlike its tags'")

    namespace = chosen[0][0]
    for missing_namespace, missing_repository in (
        (namespace, "no-such-repository"),
        (namespace, "no/such-repository"),
        ("no-such-namespace", chosen[0][2]),
    ):
        where = f"show_repository {missing_namespace}/{missing_repository}"
        try:
            client.show_repository(
                ShowRepositoryRequest(namespace=missing_namespace, repository=missing_repository)
            )
            fail(f"{where}: a missing repository was shown")
        except ClientRequestException as error:
            check(error.status_code == 404, f"{where}: status {error.status_code}")
            check(
                "SVCSTG.SWR.4040002" in (error.error_msg or ""),
                f"{where}: {error.error_code} {error.error_msg}",
            )
    return len(chosen)


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

    # GetRepo: Type defaults to public (the SDK's docstring), and a public
    # repo is one whose IsShared is true.
    public = sorted(ns["name"] for ns in dataset["namespaces"] if ns.get("is_shared", False))
    private = sorted(ns["name"] for ns in dataset["namespaces"] if not ns.get("is_shared", False))
    check(public and private, "the dataset should have public and private repos")
    for repo_type, wanted in ((None, public), ("public", public), ("private", private)):
        seen = []
        offset = 0
        while True:
            request = {"Offset": offset, "Limit": 2}
            if repo_type:
                request["Type"] = repo_type
            response = client.get_repo(request)
            repos = response.get("RepoSet") or []
            total = response.get("TotalCount")
            check(total == len(wanted), f"GetRepo Type={repo_type}: TotalCount {total}")
            for repo in repos:
                shared = "true" if repo_type != "private" else "false"
                check(repo["IsShared"] == shared, f"GetRepo Type={repo_type}: {repo}")
            seen.extend(repo["RepoName"] for repo in repos)
            offset += len(repos)
            if not repos or offset >= total:
                break
        check(seen == wanted, f"GetRepo Type={repo_type}: {seen}, dataset {wanted}")

    wrong = uhub_client(args.endpoint, args.public_key, args.private_key + "-wrong")
    try:
        wrong.get_repo_image({"RepoName": dataset["namespaces"][0]["name"]})
        fail("a wrong private key was accepted")
    except RetCodeException as error:
        check(error.code == 171, f"wrong key: RetCode {error.code}")
    return checked


# The fields of the SDK's ShowRepoTagResponse: the list item's, without
# `deleted` and `scanned` (the list's `Tag` is its `tag`).
SHOWN_TAG_FIELDS = (
    "id",
    "repo_id",
    "tag",
    "image_id",
    "manifest",
    "digest",
    "schema",
    "path",
    "internal_path",
    "size",
    "is_trusted",
    "created",
    "updated",
    "domain_id",
    "tag_type",
)


def check_swr_missing(call, where):
    """`call` raises the SDK's 404 with SWR's not-found code."""
    try:
        call()
    except ClientRequestException as error:
        check(error.status_code == 404, f"{where}: status {error.status_code}")
        check(
            "SVCSTG.SWR.4040002" in (error.error_msg or ""),
            f"{where}: {error.error_code} {error.error_msg}",
        )
        return
    fail(f"{where}: no 404")


def check_show_repo_tag(args, dataset):
    """show_repo_tag of every tag of a few repositories, each field against
    the listed item and the dataset."""
    client = swr_client(args.endpoint, args.ak, args.sk)
    chosen = []
    for ns in dataset["namespaces"]:
        repos = sorted(ns.get("repositories", []), key=lambda r: r["name"])
        if repos:
            chosen.append((ns["name"], repos[0], repos[0]["name"]))
        for repo in [r for r in repos if "/" in r["name"]][:1]:
            chosen.append((ns["name"], repo, repo["name"]))
            chosen.append((ns["name"], repo, repo["name"].replace("/", "$")))
    check(any("/" in name for _, _, name in chosen), "the dataset has no repository with `/`")
    shown_count = 0
    for namespace, repo, segment in chosen:
        listed = client.list_repository_tags(
            ListRepositoryTagsRequest(namespace=namespace, repository=segment)
        ).body or []
        check(len(listed) == len(repo.get("tags", [])), f"{namespace}/{segment}: tags listed")
        by_name = {tag["name"]: tag for tag in repo.get("tags", [])}
        for item in listed:
            where = f"show_repo_tag {namespace}/{segment}:{item.tag}"
            shown = client.show_repo_tag(
                ShowRepoTagRequest(namespace=namespace, repository=segment, tag=item.tag)
            )
            check(shown.status_code == 200, f"{where}: status {shown.status_code}")
            for field in SHOWN_TAG_FIELDS:
                got, want = getattr(shown, field), getattr(item, field)
                check(got == want, f"{where}: {field} {got!r}, listed {want!r}")
            record = by_name[item.tag]
            check(shown.digest == record["digest"], f"{where}: digest")
            check(shown.size == record["size"], f"{where}: size")
            check(
                shown.path == f"{dataset['registry']}/{namespace}/{repo['name']}:{item.tag}",
                f"{where}: path {shown.path}",
            )
            shown_count += 1
        check_swr_missing(
            lambda: client.show_repo_tag(
                ShowRepoTagRequest(namespace=namespace, repository=segment, tag="no-such-tag")
            ),
            f"show_repo_tag {namespace}/{segment}:no-such-tag",
        )
    return shown_count, len(chosen)


def check_get_image_tag_by_name(args, dataset):
    """GetImageTag with TagName: that tag alone."""
    client = uhub_client(args.endpoint, args.public_key, args.private_key)
    checked = 0
    for ns in dataset["namespaces"]:
        for repo in sorted(ns.get("repositories", []), key=lambda r: r["name"])[:2]:
            for tag in repo.get("tags", []):
                response = client.get_image_tag(
                    {"RepoName": ns["name"], "ImageName": repo["name"], "TagName": tag["name"]}
                )
                tags = response.get("TagSet") or []
                where = f"GetImageTag {ns['name']}/{repo['name']}:{tag['name']}"
                check(response.get("TotalCount") == 1, f"{where}: TotalCount")
                check([t["TagName"] for t in tags] == [tag["name"]], f"{where}: {tags}")
                check(tags[0].get("Digest") == tag["digest"], f"{where}: digest")
                checked += 1
    return checked


def uhub_tag_names(client, repo, image, tag=None):
    request = {"RepoName": repo, "ImageName": image, "Limit": 1000}
    if tag is not None:
        request["TagName"] = tag
    response = client.get_image_tag(request)
    names = [t["TagName"] for t in response.get("TagSet") or []]
    check(response.get("TotalCount") == len(names), f"GetImageTag {repo}/{image}: TotalCount")
    return names


def swr_tag_names(client, namespace, segment):
    listed = client.list_repository_tags(
        ListRepositoryTagsRequest(namespace=namespace, repository=segment)
    ).body or []
    return [t.tag for t in listed]


def check_deletes(args, dataset):
    """A tag deleted through one API is gone from both: delete_repo_tag,
    then DeleteRepoImage with TagName."""
    swr = swr_client(args.endpoint, args.ak, args.sk)
    uhub = uhub_client(args.endpoint, args.public_key, args.private_key)
    slashed = [
        (ns["name"], repo)
        for ns in dataset["namespaces"]
        for repo in ns.get("repositories", [])
        if "/" in repo["name"] and len(repo.get("tags", [])) >= 2
    ]
    check(slashed, "the dataset has no repository with `/` and two tags")
    namespace, repo = slashed[0]
    segment = repo["name"].replace("/", "$")
    newest = expected_tags(repo)
    victim = newest[1]
    where = f"delete_repo_tag {namespace}/{segment}:{victim}"

    def listed_num_images():
        items = swr.list_repos_details(ListReposDetailsRequest(namespace=namespace)).body or []
        return {item.name: item.num_images for item in items}[repo["name"]]

    check(listed_num_images() == len(newest), f"{where}: num_images before")
    response = swr.delete_repo_tag(
        DeleteRepoTagRequest(namespace=namespace, repository=segment, tag=victim)
    )
    check(response.status_code == 200, f"{where}: status {response.status_code}")
    check_swr_missing(
        lambda: swr.show_repo_tag(
            ShowRepoTagRequest(namespace=namespace, repository=segment, tag=victim)
        ),
        f"{where}: show_repo_tag after",
    )
    remaining = [name for name in newest if name != victim]
    check(swr_tag_names(swr, namespace, segment) == remaining, f"{where}: list after")
    check(listed_num_images() == len(remaining), f"{where}: num_images after")
    check(uhub_tag_names(uhub, namespace, repo["name"], victim) == [], f"{where}: UHub by name")
    check(uhub_tag_names(uhub, namespace, repo["name"]) == remaining, f"{where}: UHub tags")
    check_swr_missing(
        lambda: swr.delete_repo_tag(
            DeleteRepoTagRequest(namespace=namespace, repository=segment, tag=victim)
        ),
        f"{where}: again",
    )

    plain = [
        (ns["name"], r)
        for ns in dataset["namespaces"]
        for r in ns.get("repositories", [])
        if "/" not in r["name"] and len(r.get("tags", [])) >= 2
    ]
    check(plain, "the dataset has no repository without `/` with two tags")
    namespace, repo = plain[0]
    newest = expected_tags(repo)
    victim = newest[0]
    where = f"DeleteRepoImage {namespace}/{repo['name']}:{victim}"
    uhub.delete_repo_image(
        {"RepoName": namespace, "ImageName": repo["name"], "TagName": victim}
    )
    remaining = newest[1:]
    check(uhub_tag_names(uhub, namespace, repo["name"], victim) == [], f"{where}: UHub by name")
    check(swr_tag_names(swr, namespace, repo["name"]) == remaining, f"{where}: SWR list after")
    check_swr_missing(
        lambda: swr.show_repo_tag(
            ShowRepoTagRequest(namespace=namespace, repository=repo["name"], tag=victim)
        ),
        f"{where}: show_repo_tag after",
    )
    try:
        uhub.delete_repo_image(
            {"RepoName": namespace, "ImageName": repo["name"], "TagName": victim}
        )
        fail(f"{where}: deleted twice")
    except RetCodeException as error:
        check(error.code == 232, f"{where}: again: RetCode {error.code}")
    return 2


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
    namespaces = check_namespaces(args, dataset)
    tagged, paths, tag_pages = check_tags(args, dataset)
    shown = check_show_repository(args, dataset)
    images = check_uhub(args, dataset)
    shown_tags, shown_paths = check_show_repo_tag(args, dataset)
    by_name = check_get_image_tag_by_name(args, dataset)
    # Last: these change the catalog the checks above read.
    deleted = check_deletes(args, dataset)
    print(
        f"emulator interop: ok: huaweicloudsdkswr paged {repositories} repositories "
        f"(plain, filter, per namespace); ucloud-sdk-python3 paged {images} images"
    )
    print(
        f"emulator interop: ok: huaweicloudsdkswr listed {namespaces} namespaces "
        f"(all, each by name and by filter) and paged the tags of {tagged} repositories "
        f"through {paths} paths (slashes as %2F and as $): {tag_pages} pages newest first, "
        f"then ascending by filter, then by tag"
    )
    print(
        f"emulator interop: ok: huaweicloudsdkswr showed {shown} repositories through "
        f"show_repository (slashes as %2F and as $), every field as in the dataset, and "
        f"missing ones as 404; ucloud-sdk-python3 listed GetRepo's public repos (no Type, "
        f"Type=public) and private ones (Type=private)"
    )
    print(
        f"emulator interop: ok: huaweicloudsdkswr showed {shown_tags} tags through "
        f"show_repo_tag over {shown_paths} paths (slashes as %2F and as $), every field as "
        f"listed; ucloud-sdk-python3 got {by_name} tags by GetImageTag's TagName; "
        f"{deleted} tags deleted (delete_repo_tag, DeleteRepoImage with TagName), each gone "
        f"from both APIs"
    )


if __name__ == "__main__":
    main()
