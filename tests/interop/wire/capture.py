"""The capture server of the wire-level differential test.

    python3 capture.py --out CAPTURE.jsonl

Listens on 127.0.0.1, on a free port, and prints `listening on
http://127.0.0.1:PORT` as its first line. Standard library only.

Every request is written to CAPTURE.jsonl as one JSON object: the label it
was made under, the method, the raw target, the raw and the percent-decoded
path, the raw query and its pairs decoded, the body (and, for a form body,
its fields decoded), every header in the order received, and the
`SignedHeaders` list of an `SDK-HMAC-SHA256` `Authorization`.

A client labels the requests that follow with `POST /__wire__/mark` and a
JSON body `{"side": "sdk" | "wharf", "call": NAME}`: both sides make their
calls one after the other, so every request until the next mark belongs to
that call. Marks are written to the file too.

Each request gets a plausible answer, enough for the official SDKs and
wharf to finish the call: `[]` for SWR's lists, `{"namespaces": []}` for
list namespaces, one minimal object for SWR's show endpoints (for show tag
every field of wharf's RepositoryTagDetail, the name as lowercase `tag`),
`200 {}` for SWR's delete tag, and for UHub
`{"RetCode": 0, "Action": "<Action>Response", "TotalCount": 0, "<Set>": []}`
with the set the action returns (for `GetImageTag` with a `TagName`, a set
holding that one tag), or `{"RetCode": 0, "Action": "<Action>Response"}`
for `DeleteRepoImage`.
"""

import argparse
import json
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote

MARK_PATH = "/__wire__/mark"

# The item set of each UHub action's response (ucloud-sdk-python3 0.11.150,
# ucloud/services/uhub/schemas/apis.py).
UHUB_SETS = {
    "GetRepo": "RepoSet",
    "GetRepoImage": "ImageSet",
    "GetImageTag": "TagSet",
}

# The actions that answer with their status alone (DeleteRepoImageResponse
# has no field).
UHUB_STATUS_ONLY = {"DeleteRepoImage"}

# The show-official-image example of its seed page (swr-show-official-image),
# without its comment: every field wharf's OfficialImageDetail requires.
OFFICIAL_IMAGE = {
    "id": 1,
    "user": "official",
    "name": "nginx",
    "namespace": "official",
    "description": "Official build of Nginx.",
    "full_description": "software contained within.",
    "star_count": 123123,
    "pull_count": 123123123,
    "collection_id": 0,
    "last_updated": "2017-10-16 21:33:44",
}

AUTHORIZATION = re.compile(
    r"^SDK-HMAC-SHA256\s+Access=(?P<access>[^,]*),\s*"
    r"SignedHeaders=(?P<signed>[^,]*),\s*Signature=(?P<signature>[0-9a-fA-F]*)$"
)


def decode_pairs(text, plus_is_space):
    """The (key, value) pairs of a query or form, decoded, in order.

    A query is decoded as the Huawei signer reads it (`+` stays `+`); a form
    body as `application/x-www-form-urlencoded` says (`+` is a space).
    """
    if plus_is_space:
        return [list(pair) for pair in parse_qsl(text, keep_blank_values=True)]
    pairs = []
    for part in text.split("&") if text else []:
        key, _, value = part.partition("=")
        pairs.append([unquote(key), unquote(value)])
    return pairs


def signed_headers(authorization):
    """The SignedHeaders list and Access of an SDK-HMAC-SHA256 Authorization."""
    if authorization is None:
        return None, None, None
    match = AUTHORIZATION.match(authorization.strip())
    if match is None:
        return ["<unreadable Authorization>"], None, None
    signed = match.group("signed")
    return signed.split(";") if signed else [], match.group("access"), match.group("signature")


class Capture:
    """The log file and the current label, shared by the handler threads."""

    def __init__(self, out):
        self.out = out
        self.lock = threading.Lock()
        self.label = {"side": None, "call": None}
        self.sequence = 0

    def write(self, record):
        with self.lock:
            self.sequence += 1
            record["seq"] = self.sequence
            if record.get("kind") == "mark":
                self.label = {"side": record["side"], "call": record["call"]}
            else:
                record.update(self.label)
            self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
            self.out.flush()


def repository_tag(namespace, repository, tag):
    """A show-tag answer (ShowRepoTag): every field of wharf's
    RepositoryTagDetail, all required there, with the tag's name as `tag`,
    lowercase (the SDK's ShowRepoTagResponse marks none required)."""
    return {
        "id": 1,
        "repo_id": 2,
        "tag": tag,
        "image_id": "0" * 64,
        "manifest": "{}",
        "digest": "sha256:" + "0" * 64,
        "schema": 2,
        "path": f"swr.example/{namespace}/{repository}:{tag}",
        "internal_path": f"swr.internal/{namespace}/{repository}:{tag}",
        "size": 1024,
        "is_trusted": False,
        "created": "2024-01-01T00:00:00Z",
        "updated": "2024-01-02T00:00:00Z",
        "domain_id": "wharf-wire-domain",
        "tag_type": 0,
    }


def swr_answer(method, raw_path):
    """Status and JSON body for an SWR request, by its raw path."""
    parts = raw_path.split("/")
    # ['', 'v2', 'manage', ...]
    if parts[:3] != ["", "v2", "manage"]:
        return 404, {"errorCode": "APIGW.0101", "errorMessage": "no such API"}
    rest = parts[3:]
    # namespaces/{namespace}/repos/{repository...}/tags/{tag}: show (GET) or
    # delete (DELETE) one tag. A tag holds no `/`, so it is the last segment.
    if len(rest) >= 6 and rest[0] == "namespaces" and rest[2] == "repos" and rest[-2] == "tags":
        namespace, tag = unquote(rest[1]), unquote(rest[-1])
        repository = unquote("/".join(rest[3:-2])).replace("$", "/")
        if method == "GET":
            return 200, repository_tag(namespace, repository, tag)
        if method == "DELETE":
            # DeleteRepoTagResponse has no field; wharf reads the status alone.
            return 200, {}
    if method != "GET":
        return 405, {"errorCode": "SVCSTG.SWR.4050000", "errorMessage": "only GET here"}
    if rest == ["repos"]:
        return 200, []
    if rest == ["namespaces"]:
        return 200, {"namespaces": []}
    if rest == ["dockerhub", "repos"]:
        return 200, []
    official = rest[:1] == ["dockerhub"]
    if official:
        rest = rest[1:]
    # namespaces/{namespace}/repos/{repository...}[/tags]; the repository may
    # hold a raw `/` when a client sends one, so take all that is left.
    if len(rest) >= 4 and rest[0] == "namespaces" and rest[2] == "repos":
        tail = rest[3:]
        if len(tail) > 1 and tail[-1] == "tags":
            return 200, []
        repository = unquote("/".join(tail)).replace("$", "/")
        if official:
            return 200, OFFICIAL_IMAGE
        # show_repository: the SDK's ShowRepositoryResponse marks nothing
        # required; wharf's RepositoryDetail requires `name` alone.
        return 200, {"name": repository, "category": "other", "is_public": False}
    return 404, {"errorCode": "APIGW.0101", "errorMessage": "no such API"}


def uhub_answer(fields):
    """The UHub envelope for the form fields of a request."""
    fields = dict(fields)
    action = fields.get("Action", "")
    if action in UHUB_STATUS_ONLY:
        return {"RetCode": 0, "Action": f"{action}Response"}
    if action not in UHUB_SETS:
        return {"RetCode": 161, "Action": f"{action}Response", "Message": "unknown Action"}
    items = []
    if action == "GetImageTag" and fields.get("TagName"):
        # One tag asked for by name: a set holding that tag (wharf's
        # show_image_tag looks for it; the SDK's TagSet requires TagName and
        # UpdateTime).
        items = [
            {
                "TagName": fields["TagName"],
                "UpdateTime": "1704067200",
                "Digest": "sha256:" + "0" * 64,
            }
        ]
    return {
        "RetCode": 0,
        "Action": f"{action}Response",
        "TotalCount": len(items),
        UHUB_SETS[action]: items,
    }


def make_handler(capture):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "wharf-wire-capture"

        def log_message(self, *args):
            pass

        def _body(self):
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _send(self, status, payload, extra_headers=()):
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-Request-Id", f"wire-{capture.sequence}")
            for name, value in extra_headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _handle(self):
            body = self._body()
            raw_path, _, raw_query = self.path.partition("?")
            if raw_path == MARK_PATH:
                mark = json.loads(body or b"{}")
                capture.write({"kind": "mark", "side": mark.get("side"), "call": mark.get("call")})
                self._send(200, {"ok": True})
                return
            text = body.decode("utf-8", errors="replace")
            content_type = self.headers.get("Content-Type") or ""
            form = None
            if content_type.split(";")[0].strip().lower() == "application/x-www-form-urlencoded":
                form = decode_pairs(text, plus_is_space=True)
            signed, access, signature = signed_headers(self.headers.get("Authorization"))
            capture.write(
                {
                    "kind": "request",
                    "method": self.command,
                    "target": self.path,
                    "raw_path": raw_path,
                    "path": unquote(raw_path),
                    "raw_query": raw_query,
                    "query": decode_pairs(raw_query, plus_is_space=False),
                    "body": text,
                    "form": form,
                    "headers": [[name, value] for name, value in self.headers.items()],
                    "signed_headers": signed,
                    "access": access,
                    "signature": signature,
                }
            )
            if form is not None and dict(form).get("Action"):
                self._send(200, uhub_answer(form), [("X-UCloud-Request-UUID", "wire")])
            else:
                status, payload = swr_answer(self.command, raw_path)
                self._send(status, payload)

        do_GET = _handle
        do_POST = _handle
        do_PUT = _handle
        do_DELETE = _handle

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="the JSON-lines file to write")
    args = parser.parse_args()
    with open(args.out, "w", encoding="utf-8") as out:
        capture = Capture(out)
        server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(capture))
        host, port = server.server_address[:2]
        print(f"listening on http://{host}:{port}", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
