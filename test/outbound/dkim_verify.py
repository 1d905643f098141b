#!/usr/bin/python3
"""Independent DKIM verifier (dkimpy) for the tests: verifies every DKIM-Signature of the
message on stdin, answering key lookups from a JSON zone file {"sel._domainkey.d": "v=DKIM1; ..."}.
Prints one JSON object: {"signatures": [{"selector": ..., "algorithm": ..., "valid": bool}]}."""
import json
import sys

import dkim


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        zone = {k.lower().rstrip("."): v for k, v in json.load(handle).items()}
    message = sys.stdin.buffer.read()

    def dnsfunc(name, timeout=5):
        key = (name.decode() if isinstance(name, bytes) else name).lower().rstrip(".")
        value = zone.get(key)
        return value.encode() if value is not None else None

    verifier = dkim.DKIM(message)
    headers = [v for (k, v) in verifier.headers if k.lower() == b"dkim-signature"]
    results = []
    for index, header in enumerate(headers):
        tags = dkim.util.parse_tag_value(b"".join(header.split()))
        try:
            valid = bool(verifier.verify(idx=index, dnsfunc=dnsfunc))
        except dkim.ValidationError:
            valid = False
        results.append({"selector": tags[b"s"].decode(), "algorithm": tags[b"a"].decode(), "domain": tags[b"d"].decode(), "valid": valid})
    print(json.dumps({"signatures": results}))


if __name__ == "__main__":
    main()
