"""The comparison of the wire-level differential test.

    python compare.py --capture CAPTURE.jsonl --calls calls.json --ak AK --sk SK \
        --project-id P --public-key K --private-key K [--seeds DIR] [--self-test]

Reads what the capture server saw (capture.py), and for every call of
calls.json compares, field by field, the request the official SDK sent with
the one wharf sent in each of its variants; a call no SDK has is compared
with the URI line of its seed page (seed_requests.json). The fields: how
many requests the call made; method; raw and decoded path; query pairs
decoded (and raw); body, or for UHub every form field decoded (Signature
included) and the raw body; which headers are signed (SignedHeaders);
X-Project-Id, Content-Type, User-Agent, Host; the access key; and whether
the signature is right by the SDK's own signer (huaweicloudsdkcore's
Signer, ucloud's verify_ac), recomputed from what arrived.

A difference listed in HARMLESS below, each with its reason, is reported
and passes. One listed in KNOWN_BUGS (a real difference between wharf and
the SDK, reported, waiting for its fix) is reported loudly and passes; a
known bug that no longer shows fails, so that the list is kept honest. Any
other difference fails, naming the call, the variant, the field, the SDK's
value and wharf's.

--self-test also runs the comparison on copies of the capture with
deliberate mismatches put into wharf's requests, and fails unless each one
is caught and named.

Exit status: 0 no unlisted difference, 1 a difference (or a stale known
bug, or a self-test mismatch not caught), 2 bad input.
"""

import argparse
import copy
import json
import os
import re
import sys
from collections import defaultdict
from urllib.parse import parse_qsl, quote

from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer
from ucloud.core.auth._cfg import verify_ac

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------------------
# What may differ, and why. Each rule names a field, the comparisons it
# applies to, and a check of the two values that says whether the
# difference is exactly the harmless one (any other difference in the same
# field still fails).
# ---------------------------------------------------------------------------


def _any(_sdk, _wharf, _ctx):
    return True


def _swr(ctx):
    return ctx["provider"] == "swr"


def _uhub(ctx):
    return ctx["provider"] == "uhub"


def canonical_query(pairs):
    """The query string huaweicloudsdkcore sends (and signs) for `pairs`:
    sorted on the raw strings, each encoded keeping only A-Z a-z 0-9 - _ . ~
    (signer.py, _process_canonical_query_string)."""
    return "&".join(
        f"{quote(k, safe='~')}={quote(v, safe='~')}" for k, v in sorted(tuple(p) for p in pairs)
    )


def filter_terms(value):
    """`key::value|key::value` as (key, value) pairs."""
    terms = []
    for term in value.split("|"):
        key, sep, val = term.partition("::")
        if not sep:
            return None
        terms.append((key, val))
    return terms


def expand_filter(pairs):
    """Query pairs with a lone `filter` replaced by its terms, sorted."""
    out = []
    for key, value in pairs:
        if key == "filter":
            terms = filter_terms(value)
            if terms is None:
                return None
            out.extend(terms)
        else:
            out.append((key, value))
    return sorted(out)


def _filter_query(sdk, wharf, ctx):
    # wharf's one `filter` holds the same terms as the SDK's plain parameters.
    return ("filter" in dict(wharf)) and "filter" not in dict(sdk) and expand_filter(wharf) == sorted(sdk)


def _filter_raw_query(sdk, wharf, ctx):
    # Both sides send the canonical encoding of their own pairs (the filter's
    # `|` as %7C, `::` as %3A%3A), and the pairs agree once the filter is
    # expanded (checked on the `query` field).
    s_pairs, w_pairs = ctx["sdk_req"]["query"], ctx["wharf_req"]["query"]
    return (
        sdk == canonical_query(s_pairs)
        and wharf == canonical_query(w_pairs)
        and _filter_query(sorted(map(tuple, s_pairs)), sorted(map(tuple, w_pairs)), ctx)
    )


def _dollar_path(sdk, wharf, ctx):
    # wharf writes `/` in a repository name as `$`; decoded, the SDK's %2F is `/`.
    return "$" in wharf and wharf.replace("$", "/") == sdk


def _dollar_raw_path(sdk, wharf, ctx):
    return "$" in wharf and wharf.replace("$", "%2F") == sdk


# The headers each HTTP library adds on its own, outside any signature.
TRANSPORT_HEADERS = {"accept", "accept-encoding", "connection", "content-length", "user-agent"}


def _transport_headers(sdk, wharf, ctx):
    # Only transport headers may differ; any other header sent unsigned on
    # one side and not the other (a token, a project id) still fails.
    return set(sdk) ^ set(wharf) <= TRANSPORT_HEADERS


def _uhub_headers(sdk, wharf, ctx):
    # The SDK's U-Timestamp-Ms besides; UCloud signs only the parameters.
    return set(sdk) ^ set(wharf) <= TRANSPORT_HEADERS | {"u-timestamp-ms"}


def _signed_headers(sdk, wharf, ctx):
    # The SDK signs every header present when it signs (signer.py,
    # _process_signed_headers), Content-Type and User-Agent included; wharf
    # sends no Content-Type on a GET or a bodiless DELETE (see the
    # Content-Type rules) and its User-Agent is set by the HTTP layer after
    # signing. Both must still sign
    # host, x-sdk-date and x-project-id, and wharf may sign nothing the SDK
    # does not.
    if sdk is None or wharf is None:
        return False
    s, w = set(sdk), set(wharf)
    wharf_headers = ctx["wharf_view"]
    return (
        w <= s
        and s - w <= {"content-type", "user-agent"}
        and {"host", "x-sdk-date", "x-project-id"} <= w
        and ("content-type" in w or wharf_headers["Content-Type"] is None)
    )


def _content_type_on_get(sdk, wharf, ctx):
    return (
        ctx["sdk_req"]["method"] == "GET"
        and ctx["wharf_req"]["method"] == "GET"
        and not ctx["wharf_req"]["body"]
        and sdk == "application/json"
        and wharf is None
    )


def _content_type_on_bodiless_delete(sdk, wharf, ctx):
    # A DELETE with no body on either side: nothing to type. The SDK sets
    # application/json on every request (client.py, header_params.setdefault),
    # and its switch to drop it covers GET alone.
    return (
        ctx["sdk_req"]["method"] == "DELETE"
        and ctx["wharf_req"]["method"] == "DELETE"
        and not ctx["sdk_req"]["body"]
        and not ctx["wharf_req"]["body"]
        and sdk == "application/json"
        and wharf is None
    )


def _form_body(sdk, wharf, ctx):
    # The same fields, in another order or with another (valid) encoding.
    return sorted(parse_qsl(sdk, keep_blank_values=True)) == sorted(
        parse_qsl(wharf, keep_blank_values=True)
    )


def _seed_filter(seed, wharf, ctx):
    # The seed writes the filter in single quotes and with the literal term
    # center::self; no real client sends the quotes (api-notes 1.3), and
    # center is optional with the default self (the seed's own table).
    if len(seed) != 1 or seed[0][0] != "filter" or len(wharf) != 1 or wharf[0][0] != "filter":
        return False
    s_val = seed[0][1]
    terms = [t for t in s_val.strip("'").split("|") if t != "center::self"]
    return "|".join(terms) == wharf[0][1]


HARMLESS = [
    {
        "field": "User-Agent",
        "when": lambda ctx: True,
        "check": _any,
        "reason": "it names the client and its version; no signature covers wharf's "
        "(set by the HTTP layer after signing), and the services do not read it",
    },
    {
        "field": "unsigned headers",
        "when": _swr,
        "check": _transport_headers,
        "reason": "transport headers outside the signature (Accept, Accept-Encoding, "
        "Connection), sent by each HTTP library its own way; X-Project-Id and "
        "Content-Type are compared on their own",
    },
    {
        "field": "other headers",
        "when": _uhub,
        "check": _uhub_headers,
        "reason": "transport headers (Accept, Accept-Encoding, Connection) and the SDK's "
        "U-Timestamp-Ms: UCloud signs only the parameters (api-notes 2.3), so no "
        "header is part of the call",
    },
    {
        "field": "header order",
        "when": lambda ctx: True,
        "check": _any,
        "reason": "HTTP headers are a set: their order carries no meaning, and the "
        "signature sorts them",
    },
    {
        "field": "signed headers",
        "when": _swr,
        "check": _signed_headers,
        "reason": "SDK-HMAC-SHA256 is verified over the headers SignedHeaders names; the "
        "SDK signs all it has (with Content-Type and User-Agent), wharf signs host, "
        "x-project-id, x-sdk-date. Huawei's terraform provider, run against the live "
        "service, also signs another set (chnsz/golangsdk provider_client.go: it signs "
        "Accept and User-Agent, and sets X-Project-Id after signing)",
    },
    {
        "field": "Content-Type",
        "when": _swr,
        "check": _content_type_on_get,
        "reason": "a GET has no body to type; the SDK sends application/json on every "
        "request unless HttpConfig.ignore_content_type_for_get_request "
        "(huaweicloudsdkcore http/http_config.py, client.py build_future_request), and "
        "Huawei's terraform provider sends none on a GET (golangsdk sets it only with "
        "a JSON body)",
    },
    {
        "field": "Content-Type",
        "when": _swr,
        "check": _content_type_on_bodiless_delete,
        "reason": "a DELETE without a body (delete tag) has nothing to type; the SDK "
        "sends application/json on every request (huaweicloudsdkcore client.py, "
        "header_params.setdefault), and Huawei's terraform provider, run against the "
        "live service, deletes a tag with no body and so no Content-Type "
        "(terraform-provider-huaweicloud resource_huaweicloud_swr_repository_tag.go: "
        "RequestOpts without JSONBody; golangsdk sets Content-Type only with one)",
    },
    {
        "field": "query",
        "when": lambda ctx: ctx["variant"] == "filter",
        "check": lambda s, w, ctx: _filter_query(s, w, ctx),
        "reason": "list repositories takes the same keys in one `filter` "
        "(key::value|...) or as plain parameters (api-notes 1.3); wharf sends "
        "`filter` by default, as the seed page documents; the terms, decoded, are "
        "the SDK's parameters",
    },
    {
        "field": "raw query",
        "when": lambda ctx: ctx["variant"] == "filter",
        "check": _filter_raw_query,
        "reason": "the same `filter` form (api-notes 1.3); each side's query is the "
        "canonical encoding of its own pairs",
    },
    {
        "field": "path",
        "when": lambda ctx: ctx["variant"] in ("dollar", "default"),
        "check": _dollar_path,
        "reason": "a `/` in a repository name: wharf writes `$` by default, as Huawei's "
        "terraform provider does against the live service; the SDK writes %2F "
        "(api-notes 1.4). The `percent` variant must match the SDK exactly",
    },
    {
        "field": "raw path",
        "when": lambda ctx: ctx["variant"] in ("dollar", "default"),
        "check": _dollar_raw_path,
        "reason": "the same `$` for `/` (api-notes 1.4)",
    },
    {
        "field": "raw body",
        "when": _uhub,
        "check": _form_body,
        "reason": "the same form fields in another order (or another valid encoding); "
        "the fields are compared decoded, Signature included",
    },
    {
        "field": "query",
        "when": lambda ctx: ctx["reference"] == "seed",
        "check": _seed_filter,
        "reason": "the seed page writes the filter in single quotes and with the "
        "literal term center::self; no real client sends the quotes (api-notes 1.3), "
        "and center is optional, default self (the seed's table)",
    },
]

# Real differences between wharf and the official SDKs, reported to the
# owner of crates/wharf and waiting for a fix: each entry names the call,
# the variant, the field and the report. A listed difference is printed
# as a known bug and passes; a listed one that no longer shows fails.
KNOWN_BUGS = []


# ---------------------------------------------------------------------------
# Reading the capture
# ---------------------------------------------------------------------------


def load_capture(path):
    groups = defaultdict(list)
    with open(path, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if record.get("kind") == "request":
                groups[(record.get("side"), record.get("call"))].append(record)
    return groups


def headers_of(req):
    out = {}
    for name, value in req["headers"]:
        out.setdefault(name.lower(), value)
    return out


class Keys:
    def __init__(self, args):
        self.ak = args.ak
        self.sk = args.sk
        self.project_id = args.project_id
        self.public_key = args.public_key
        self.private_key = args.private_key


def huawei_signature(req, keys):
    """Whether the Authorization is right by huaweicloudsdkcore's own
    Signer, recomputed from what arrived (with the headers it names)."""
    h = req["headers"]
    signed = req.get("signed_headers")
    if signed is None:
        return "no SDK-HMAC-SHA256 Authorization"
    if req.get("access") != keys.ak:
        return f"signed with access key {req.get('access')!r}"
    chosen = {name: value for name, value in h if name.lower() in signed}
    host = headers_of(req).get("host", "")
    sdk_request = SdkRequest(
        method=req["method"],
        schema="http",
        host=host,
        resource_path=req["raw_path"],
        query_params=[tuple(p) for p in req["query"]],
        header_params=chosen,
        body=req["body"].encode() if req["body"] else "",
    )

    class Credentials:
        ak = keys.ak
        sk = keys.sk

    try:
        Signer(Credentials()).sign(sdk_request)
    except Exception as error:  # a header it cannot read, a bad date
        return f"cannot recompute: {type(error).__name__}: {error}"
    expected = sdk_request.header_params.get("Authorization", "")
    match = re.search(r"Signature=([0-9a-f]+)", expected)
    if match and match.group(1) == req.get("signature"):
        return "valid"
    return f"invalid (the SDK's signer makes {match.group(1) if match else expected!r})"


def ucloud_signature(req, keys):
    form = dict(req.get("form") or [])
    sent = form.pop("Signature", None)
    if sent is None:
        return "no Signature"
    expected = verify_ac(keys.private_key, form)
    return "valid" if sent == expected else f"invalid (verify_ac makes {expected})"


def swr_view(req, keys):
    h = headers_of(req)
    signed = req.get("signed_headers")
    date = h.get("x-sdk-date")
    return {
        "method": req["method"],
        "path": req["path"],
        "raw path": req["raw_path"],
        "query": sorted(tuple(p) for p in req["query"]),
        "raw query": req["raw_query"],
        "body": req["body"],
        "signed headers": sorted(signed) if signed is not None else None,
        "X-Project-Id": h.get("x-project-id"),
        "Content-Type": h.get("content-type"),
        "User-Agent": h.get("user-agent"),
        "Host": h.get("host"),
        "X-Sdk-Date": "YYYYMMDDTHHMMSSZ"
        if date and re.fullmatch(r"\d{8}T\d{6}Z", date)
        else date,
        "access key": req.get("access"),
        "signature (SDK signer)": huawei_signature(req, keys),
        "unsigned headers": sorted(
            name for name in h if name not in (signed or []) and name != "authorization"
        ),
        "header order": [name.lower() for name, _ in req["headers"]],
    }


def uhub_view(req, keys):
    h = headers_of(req)
    compared = {"content-type", "user-agent", "host"}
    return {
        "method": req["method"],
        "path": req["path"],
        "raw query": req["raw_query"],
        "form": sorted(tuple(p) for p in req.get("form") or []),
        "raw body": req["body"],
        "Content-Type": h.get("content-type"),
        "User-Agent": h.get("user-agent"),
        "Host": h.get("host"),
        "signature (SDK verify_ac)": ucloud_signature(req, keys),
        "other headers": sorted(name for name in h if name not in compared),
        "header order": [name.lower() for name, _ in req["headers"]],
    }


# ---------------------------------------------------------------------------
# The seed pages' URI lines
# ---------------------------------------------------------------------------


def unescape(line):
    return line.replace("\\{", "{").replace("\\}", "}").replace("\\_", "_")


def seed_reference(line, call_args):
    """The request a seed's URI line asks for, with the call's arguments:
    method, decoded path, query pairs (names exactly as the seed spells
    them). Raises on an argument the template does not take."""
    method, _, target = unescape(line).partition(" ")
    path_t, _, query_t = target.partition("?")
    used = set()

    def fill(template):
        def one(match):
            used.add(match.group(1))
            return str(call_args[match.group(1)])

        return re.sub(r"\{([a-z_]+)\}", one, template)

    path = fill(path_t)
    query = []
    for part in query_t.split("&") if query_t else []:
        name, _, value_t = part.partition("=")
        if name == "filter":
            # 'center::self|namespace::{namespace}|...': the terms whose
            # parameter the call gives, and the literal ones.
            terms = []
            for term in value_t.strip("'").split("|"):
                key, _, val = term.partition("::")
                param = re.fullmatch(r"\{([a-z_]+)\}", val)
                if param is None:
                    terms.append(term)
                elif param.group(1) in call_args:
                    used.add(param.group(1))
                    terms.append(f"{key}::{call_args[param.group(1)]}")
            query.append(("filter", "'" + "|".join(terms) + "'"))
            continue
        param = re.fullmatch(r"\{([a-z_]+)\}", value_t)
        if param and param.group(1) in call_args:
            used.add(param.group(1))
            query.append((name, str(call_args[param.group(1)])))
    unused = set(call_args) - used
    if unused:
        raise ValueError(f"the seed's URI takes no {sorted(unused)}")
    return {"method": method, "path": path, "query": sorted(query)}


def check_seed_copies(seeds, seeds_dir):
    """The seed pages' URI lines against the copies in seed_requests.json."""
    problems = []
    for name, line in seeds.items():
        path = os.path.join(seeds_dir, f"{name}.md")
        try:
            with open(path, encoding="utf-8") as f:
                lines = f.read().splitlines()
        except OSError as error:
            problems.append(f"cannot read {path}: {error}")
            continue
        try:
            at = lines.index("## URI")
        except ValueError:
            problems.append(f"{path}: no `## URI` heading")
            continue
        page_line = next((l for l in lines[at + 1 :] if l.strip()), "")
        if page_line != line:
            problems.append(f"{path}: URI line {page_line!r}, seed_requests.json has {line!r}")
    return problems


# ---------------------------------------------------------------------------
# Comparing
# ---------------------------------------------------------------------------


class Report:
    """What the comparison found. Prints one line per comparison, the values
    of every difference that fails (and, verbose, of every harmless one),
    and at the end each harmless difference seen once, with its reason."""

    def __init__(self, quiet=False, verbose=False):
        self.failures = []
        self.harmless = []
        self.known = []
        self.compared = 0
        self.quiet = quiet
        self.verbose = verbose
        self.lines = []

    def say(self, text):
        if not self.quiet:
            print(text)

    def fail(self, call, variant, field, ref, wharf, against="sdk"):
        self.failures.append((call, variant, field, against))
        self.lines.append(
            f"    DIFFERENT {field}:\n"
            f"      {against}: {show(ref)}\n"
            f"      wharf: {show(wharf)}"
        )

    def flush(self, call, variant, against, harmless_fields):
        mine = [f for f in self.failures if f[0] == call and f[1] == variant]
        verdict = "FAIL" if mine else "ok"
        note = f", harmless: {', '.join(harmless_fields)}" if harmless_fields else ""
        self.say(f"  {verdict:<4} {call} [{against} vs wharf/{variant}]{note}")
        for line in self.lines:
            self.say(line)
        self.lines = []

    def summary_of_harmless(self):
        seen = {}
        for call, variant, field, rule, ref, wharf in self.harmless:
            key = id(rule)
            if key not in seen:
                seen[key] = [rule, field, 0, (call, variant, ref, wharf)]
            seen[key][2] += 1
        for rule, field, count, (call, variant, ref, wharf) in seen.values():
            self.say(f"  {field} ({count}x), for example {call} [wharf/{variant}]:")
            self.say(f"      reference: {show(ref)}")
            self.say(f"      wharf:     {show(wharf)}")
            self.say(f"    harmless because {rule['reason']}")


def show(value):
    return json.dumps(value, ensure_ascii=False)


def compare_views(report, call, variant, ref, wharf, ctx, against="sdk"):
    """Field by field; returns the fields that differed harmlessly."""
    harmless = []
    for field, ref_value in ref.items():
        wharf_value = wharf.get(field)
        if ref_value == wharf_value:
            continue
        rule = next(
            (
                r
                for r in HARMLESS
                if r["field"] == field and r["when"](ctx) and r["check"](ref_value, wharf_value, ctx)
            ),
            None,
        )
        if rule is not None:
            report.harmless.append((call, variant, field, rule, ref_value, wharf_value))
            harmless.append(field)
            if report.verbose:
                report.lines.append(
                    f"    harmless {field}:\n      {against}: {show(ref_value)}\n"
                    f"      wharf: {show(wharf_value)}"
                )
            continue
        bug = next(
            (
                b
                for b in KNOWN_BUGS
                if b["call"] == call and b["variant"] == variant and b["field"] == field
            ),
            None,
        )
        if bug is not None:
            bug["seen"] = True
            report.known.append((call, variant, field))
            report.lines.append(
                f"    KNOWN BUG {field}:\n      {against}: {show(ref_value)}\n"
                f"      wharf: {show(wharf_value)}\n      {bug['report']}"
            )
            continue
        report.fail(call, variant, field, ref_value, wharf_value, against)
    return harmless


def compare_all(groups, calls, seeds, keys, report):
    for bug in KNOWN_BUGS:
        bug["seen"] = False
    for call in calls:
        name = call["name"]
        provider = call["op"].split(".")[0]
        view = swr_view if provider == "swr" else uhub_view
        sdk_reqs = groups.get(("sdk", name), []) if call["sdk"] else None
        for variant in call["wharf"]:
            report.compared += 1
            against = "sdk" if call["sdk"] else f"seed {call['seed']}"
            harmless = []
            wharf_reqs = groups.get((f"wharf/{variant}", name), [])
            if call["sdk"] and len(sdk_reqs) != 1:
                report.fail(name, variant, "requests", f"{len(sdk_reqs)} requests", "-")
            elif len(wharf_reqs) != 1:
                report.fail(name, variant, "requests", "1 request", f"{len(wharf_reqs)} requests")
            else:
                harmless = compare_one(
                    report, call, provider, variant, view, sdk_reqs, wharf_reqs[0], seeds, keys
                )
            report.flush(name, variant, against, harmless)
    for bug in KNOWN_BUGS:
        if not bug["seen"]:
            report.fail(bug["call"], bug["variant"], bug["field"],
                        "a KNOWN_BUGS entry", "no longer differs: remove it from KNOWN_BUGS",
                        "known")
            report.flush(bug["call"], bug["variant"], "KNOWN_BUGS", [])


def compare_one(report, call, provider, variant, view, sdk_reqs, w_req, seeds, keys):
    """One variant of one call against the SDK's request or the seed page;
    returns the fields that differed harmlessly."""
    name = call["name"]
    w_view = view(w_req, keys)
    harmless = []
    if call["sdk"]:
        s_req = sdk_reqs[0]
        s_view = view(s_req, keys)
        ctx = {
            "provider": provider,
            "variant": variant,
            "reference": "sdk",
            "sdk_req": s_req,
            "wharf_req": w_req,
            "sdk_view": s_view,
            "wharf_view": w_view,
        }
        harmless += compare_views(report, name, variant, s_view, w_view, ctx)
        # Both signatures must be right by the SDK's own code, not merely alike.
        for side, v in (("sdk", s_view), ("wharf", w_view)):
            sig_field = next(f for f in v if f.startswith("signature"))
            if v[sig_field] != "valid":
                report.fail(name, variant, f"{sig_field}, {side}'s request", "valid", v[sig_field])
    if call.get("seed") and (not call["sdk"] or variant == "filter"):
        ref = seed_reference(seeds[call["seed"]], call["args"])
        ctx = {
            "provider": provider,
            "variant": variant,
            "reference": "seed",
            "wharf_req": w_req,
            "wharf_view": w_view,
        }
        harmless += [
            f"{f} (seed)" for f in compare_views(report, name, variant, ref, w_view, ctx, "seed")
        ]
    if not call["sdk"]:
        # No SDK request to compare the headers with: what every SWR request
        # must carry, as the SDK sends it on its other calls.
        must = {
            "signature (SDK signer)": "valid",
            "X-Project-Id": keys.project_id,
            "access key": keys.ak,
        }
        for field, want in must.items():
            if w_view[field] != want:
                report.fail(name, variant, field, want, w_view[field], "seed")
        if not {"host", "x-sdk-date", "x-project-id"} <= set(w_view["signed headers"] or []):
            report.fail(name, variant, "signed headers", ["host", "x-project-id", "x-sdk-date"],
                        w_view["signed headers"], "seed")
    return harmless


# ---------------------------------------------------------------------------
# Self-test: deliberate mismatches must be caught
# ---------------------------------------------------------------------------


def mutate(groups, side, call, change):
    out = copy.deepcopy(groups)
    change(out[(side, call)][0])
    return out


def add_query(req, key, value):
    req["query"].append([key, value])
    req["raw_query"] = canonical_query(req["query"])


def set_form(req, key, value):
    req["form"] = [[k, value if k == key else v] for k, v in req["form"]]


def drop_signed(req, name):
    req["signed_headers"] = [h for h in req["signed_headers"] if h != name]


MISMATCHES = [
    ("an extra query parameter", "wharf/plain", "swr.list_repos", "query",
     lambda r: add_query(r, "extra", "1")),
    ("an extra filter term", "wharf/filter", "swr.list_repos", "query",
     lambda r: r.update(query=[["filter", r["query"][0][1] + "|is_public::true"]])),
    ("%2F where the SDK sends it, lost", "wharf/percent", "swr.list_repository_tags.slash",
     "raw path", lambda r: r.update(raw_path=r["raw_path"].replace("%2F", "/"))),
    ("x-project-id unsigned", "wharf/default", "swr.show_repository", "signed headers",
     lambda r: drop_signed(r, "x-project-id")),
    ("another Limit", "wharf/default", "uhub.get_repo_image", "form",
     lambda r: set_form(r, "Limit", "8")),
    ("a second request", "wharf/default", "uhub.get_repo.public", "requests",
     lambda r: None),
    ("another offset than the seed's", "wharf/default", "swr.list_official_images", "query",
     lambda r: r.update(query=[[k, "99" if k == "offset" else v] for k, v in r["query"]])),
    ("another tag in the show-tag path", "wharf/percent", "swr.show_repository_tag.slash",
     "path", lambda r: r.update(path=r["path"].replace("/tags/v1.2_rc-3", "/tags/latest"))),
    ("%2F lost in the delete-tag path", "wharf/percent", "swr.delete_repository_tag.slash",
     "raw path", lambda r: r.update(raw_path=r["raw_path"].replace("%2F", "/"))),
    ("a body on the delete", "wharf/default", "swr.delete_repository_tag", "body",
     lambda r: r.update(body="{}")),
    ("another TagName to delete", "wharf/default", "uhub.delete_image_tag", "form",
     lambda r: set_form(r, "TagName", "latest")),
    ("no TagName (every tag deleted)", "wharf/default", "uhub.delete_image_tag", "form",
     lambda r: r.update(form=[p for p in r["form"] if p[0] != "TagName"])),
]


def self_test(groups, calls, seeds, keys):
    problems = []
    for what, side, call, field, change in MISMATCHES:
        if what == "a second request":
            broken = copy.deepcopy(groups)
            broken[(side, call)].append(copy.deepcopy(broken[(side, call)][0]))
        else:
            broken = mutate(groups, side, call, change)
        report = Report(quiet=True)
        compare_all(broken, calls, seeds, keys, report)
        variant = side.split("/", 1)[1]
        caught = [f for f in report.failures if f[0] == call and f[1] == variant and f[2] == field]
        if not caught:
            problems.append(f"{what} ({call}, {side}, {field}) was not caught: {report.failures}")
        else:
            print(f"  caught     {what}: {call} [wharf/{variant}] {field}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("capture", "calls", "ak", "sk", "project-id", "public-key", "private-key"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--seeds", help="the seed pages' folder, to check seed_requests.json")
    parser.add_argument("--self-test", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="print every harmless difference")
    args = parser.parse_args()
    keys = Keys(args)
    with open(args.calls, encoding="utf-8") as f:
        calls = json.load(f)["calls"]
    with open(os.path.join(HERE, "seed_requests.json"), encoding="utf-8") as f:
        seeds = json.load(f)["seeds"]
    groups = load_capture(args.capture)

    status = 0
    if args.seeds and os.path.isdir(args.seeds):
        problems = check_seed_copies(seeds, args.seeds)
        for problem in problems:
            print(f"wire: seed copy out of date: {problem}")
        if problems:
            status = 1
        else:
            print(f"wire: seed_requests.json matches the URI lines of the pages in {args.seeds}")
    else:
        print("wire: seed pages not found; seed_requests.json not re-checked against them")

    report = Report(verbose=args.verbose)
    print("wire: comparing wharf's requests with the SDK's (or the seed's), field by field")
    compare_all(groups, calls, seeds, keys, report)
    if report.harmless:
        print("wire: the harmless differences seen, each with its reason:")
        report.summary_of_harmless()
    print(
        f"wire: {report.compared} comparisons over {len(calls)} calls: "
        f"{len(report.failures)} unlisted difference(s), {len(report.harmless)} harmless, "
        f"{len(report.known)} known bug(s)"
    )
    if report.failures:
        status = 1
        print("wire: FAILED: differences no rule explains (fix wharf, or list one with its "
              "reason in HARMLESS or, reported, in KNOWN_BUGS):")
        for call, variant, field, against in report.failures:
            print(f"  {call} [{against} vs wharf/{variant}] {field}")

    if args.self_test:
        print("wire: self-test, deliberate mismatches in wharf's requests")
        problems = self_test(groups, calls, seeds, keys)
        for problem in problems:
            print(f"wire: self-test FAILED: {problem}")
        if problems:
            status = 1
        else:
            print(f"wire: self-test: {len(MISMATCHES)} mismatches, each caught and named")
    return status


if __name__ == "__main__":
    sys.exit(main())
