#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target under fuzz/corpus/<target>/
from the repository's fixtures (tests/fixtures) and the examples of the
crates' unit tests. Run from anywhere; it replaces the seed files it makes
(named seed-NNN) and leaves other files alone.

    python3 fuzz/make_seeds.py
"""

import json
import pathlib
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
CORPUS = ROOT / "fuzz" / "corpus"


def write(target, seeds):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("seed-*"):
        old.unlink()
    for i, seed in enumerate(seeds):
        data = seed if isinstance(seed, bytes) else seed.encode()
        (folder / f"seed-{i:03}").write_bytes(data)
    print(f"{target}: {len(seeds)} seeds")


def replay_exchanges():
    for path in sorted((FIXTURES / "replay").glob("*.json")):
        for exchange in json.loads(path.read_text())["exchanges"]:
            yield path.stem, exchange


# The examples of crates/wharf-parse/tests/content_range.rs, good and bad,
# and the Content-Range headers of the replay fixtures.
content_range = [
    "0-100/250", "100-100/250", "200-50/250", "0-0/0", "0-10/*", "0-9/25",
    "", "0-x/5", "-1-9/25", "items 0-9/25", "0-9/", "0/9", "0-9",
    "18446744073709551615-1/18446744073709551615", "18446744073709551616-1/2",
    "0-9/**", "0-9/25\n", "0.5-9/25", "\u0663-1/2",
]
for _, exchange in replay_exchanges():
    for name, value in exchange["response"]["headers"]:
        if name == "content-range" and value not in content_range:
            content_range.append(value)

# The examples of crates/wharf-parse/tests/filter.rs and the filter module,
# and the decoded filters of the replay fixtures.
filters = [
    "center::self|namespace::team|offset::0|limit::100",
    "'limit::100|offset::0|namespace::team|center::self'",
    "'center::self|namespace::library|name::nginx|category::linux|offset::0|limit::100'",
    "namespace::team|order_column::updated_at|order_type::asc|is_public::false",
    "order_column::updated_at|order_type::desc|is_public::true",
    "category::gpu", "center::thirdparty", "offset::7|limit::10",
    "name::a b:c'|namespace::x'", "name:::x", "center::self||name::x",
    "namespace::a::b", "offset::18446744073709551616|limit::10",
    "offset::0|limit::1001", "is_public::True", "::self", "''",
    "namespace=team&offset=0&limit=100&sort=x",
    "limit=10&limit=20&offset=0",
]
for _, exchange in replay_exchanges():
    target = exchange["request"]["target"]
    query = urllib.parse.urlsplit(target).query
    for name, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
        if name == "filter" and value not in filters:
            filters.append(value)

# model_decode: a selector byte, then a body. The spec's examples
# (tests/fixtures/seeds) and every recorded response body.
SELECTOR = {
    "swr-list-repos": 0, "swr-list-repositories": 0,
    "swr-list-official-images": 1, "swr-list-official-image-tags": 2,
    "swr-show-official-image": 3, "swr-list-namespaces": 4,
    "swr-list-repository-tags": 5, "uhub-get-repo-image": 7,
    "uhub-get-image-tag": 8, "uhub-get-repo": 9,
}
CLIENT = {0: 0, 1: 1, 2: 2, 5: 3, 4: 4}
model = []
for path in sorted((FIXTURES / "seeds").glob("*.json")):
    body = path.read_bytes()
    model.append(bytes([SELECTOR[path.stem]]) + body)
for stem, exchange in replay_exchanges():
    selector = SELECTOR[stem]
    response = exchange["response"]
    body = response["body"].encode()
    model.append(bytes([selector]) + body)
    if selector in CLIENT:
        # The SWR client path: selector 13 + 16 * (5 * asked + type), the
        # Content-Range on the first line.
        ranges = [v for n, v in response["headers"] if n == "content-range"]
        model.append(bytes([13 + 16 * CLIENT[selector]]) + (ranges[0] if ranges else "").encode() + b"\n" + body)
    elif selector >= 7:
        model.append(bytes([14 + 16 * (selector - 7)]) + body)
model += [
    b"\x06" + json.dumps({"error_code": "SVCSTG.SWR.4001", "error_msg": "Invalid filter"}).encode(),
    b"\x06" + json.dumps({"errorCode": "SWR.0001", "errorMessage": "x"}).encode(),
    b"\x06" + json.dumps({"code": "APIGW.0301", "message": "Incorrect IAM authentication information"}).encode(),
    b"\x0f\x01\x90" + json.dumps({"error_code": "SWR.0429", "error_msg": "Too many requests"}).encode(),
    b"\x0f\x00\x64" + json.dumps({"RetCode": 153, "Action": "GetRepoResponse", "Message": "rate limited"}).encode(),
    b'\x0a"2017-09-12 10:33:22"', b'\x0a"2017-09-11T03:00:02.542841141Z"',
    b"\x0a1505212402", b'\x0a"1505212402"', b"\x0a-62135596800",
    b"\x0bteam", b"\x0blibrary/nginx", b"\x0bgroup/sub/app", b"\x0b-bad", b"\x0bA..b",
    b'\x0c"linux"', b'\x0c"171"', b"\x0c0", b'\x0c"true"', b"\x0c7",
]

# huawei_verify: the signing vectors as sent, in HTTP/1.1 text.
huawei = []
for case in json.loads((FIXTURES / "signing" / "huawei.json").read_text())["requests"]:
    expected = case["expected"]
    lines = [f"{case['method']} {expected['wire_target']}"]
    lines += [f"{name}: {value}" for name, value in expected["sent_headers"]]
    huawei.append("\n".join(lines) + "\n\n" + case["body"])
    # The same request unsigned, for the sign-then-verify path.
    unsigned = [f"{case['method']} {expected['wire_target']}"]
    unsigned += [f"{name}: {value}" for name, value in case["headers"]]
    huawei.append("\n".join(unsigned) + "\n\n" + case["body"])

# ucloud_verify and ucloud_form: the signing vectors' form bodies.
ucloud = [case["form_body"] for case in json.loads((FIXTURES / "signing" / "ucloud.json").read_text())["cases"] if case.get("form_body")]
ucloud += ["Action=GetRepo&Limit=5", "a=1&a=2&Signature=x&PublicKey=y", "%zz=%&&=+"]
GET, POST, FORM, JSON = 0, 1, 4, 8
form = []
for body in ucloud:
    form.append(bytes([GET]) + body.encode())
    form.append(bytes([POST | FORM]) + b"\n" + body.encode())
for stem, exchange in replay_exchanges():
    request = exchange["request"]
    if exchange["provider"] != "uhub":
        continue
    if request["method"] == "GET":
        form.append(bytes([GET]) + urllib.parse.urlsplit(request["target"]).query.encode())
    else:
        form.append(bytes([POST | FORM]) + b"\n" + request["body"].encode())
form += [
    bytes([POST | JSON]) + b'\n{"Action":"GetRepoImage","RepoName":"team","Limit":5,"Offset":0.0}',
    bytes([POST | FORM]) + b"Action=GetRepo\nAction=GetRepoImage&RepoName=x",
    bytes([3 | 12]) + b"PUT text/plain\nAction=GetRepo",
]

# catalog_spec: the examples of crates/wharf/src/catalog/spec.rs and its tests.
specs = [
    "swr://cn-north-4", "swr+http://127.0.0.1:8080", "swr-official://cn-north-4",
    "uhub://cn-bj2", "uhub+https://api.ucloud.cn?region=cn-bj2",
    "UHUB+HTTP://127.0.0.1:8080/?project=org-1&region=cn-bj2", "SWR://cn-north-4/",
    "swr+https://SWR.Example.com", "swr-official+https://[::1]:443/",
    "uhub+http://[::1]:8080?region=cn-bj2", "swr://cn-north-4?project=0a1B_2.c-3",
    "swr-official://ap-southeast-1", "swr://cn_north_4", "swr://r\u00e9gion",
    "swr+https://host:99999", "swr+https://[::1", "swr+https://[::g]",
    "swr://cn-north-4?project=a&project=b", "swr:/cn-north-4", "swr+ftp://x",
    "swr+https://AK:very-secret@host", "swr://cn-north-4?project=a%20b",
]

# cli_config: the config file of the CLI's docs and tests.
configs = [
    '[profiles.prod]\nprovider = "swr"\nregion = "cn-north-4"\naccess_key = "..."\nsecret_key = "..."\n',
    '[profiles.default]\nendpoint = "http://127.0.0.1:8080"\naccess_key = "WHARFDEMOACCESSKEY01"\nsecret_key = "wharf-demo-secret-key"\n',
    '[profiles.uhub]\nprovider = "uhub"\nregion = "cn-bj2"\nproject_id = "org-1"\npublic_key = "pk"\nprivate_key = "sk"\n',
    '[profiles.c]\ncatalog = "uhub+https://api.ucloud.cn?region=cn-bj2"\n',
    '[profiles.t]\nsecurity_token = "tok"\naccess_key = "a"\nsecret_key = "s"\n',
    "",
    "[profiles]\n",
    '[profiles.x]\nregoin = "typo"\n',
    "profiles = 3\n",
    '[profiles."a b"]\nregion = """multi\nline"""\n',
    "[[profiles.arr]]\n",
]

write("content_range", content_range)
write("filter", filters)
write("model_decode", model)
write("huawei_verify", huawei)
write("ucloud_verify", ucloud)
write("ucloud_form", form)
write("catalog_spec", specs)
write("cli_config", configs)
