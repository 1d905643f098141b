#!/usr/bin/python3
"""Independent DKIM/ARC verifier (python3-dkim), for tests: not the code that signed.

Usage: independent-verify.py ZONE.json < message
ZONE.json maps DNS names to TXT values (the test zone). Prints JSON:
{"dkim": [{"d": domain, "ok": bool}], "arc": {"cv": "pass"|"fail"|"none", "comment": str}}
"""
import json
import re
import sys

import dkim

zone = {k.lower().rstrip('.'): v for k, v in json.load(open(sys.argv[1])).items()}
message = sys.stdin.buffer.read()


def dnsfunc(name, timeout=5):
    key = name.decode() if isinstance(name, bytes) else name
    value = zone.get(key.lower().rstrip('.'))
    return value.encode() if value is not None else None


results = []
verifier = dkim.DKIM(message)
signatures = [h for h in verifier.headers if h[0].lower() == b'dkim-signature']
for index, (_, value) in enumerate(signatures):
    match = re.search(rb'\bd=([^;\s]+)', value)
    domain = match.group(1).decode() if match else ''
    try:
        ok = dkim.DKIM(message).verify(idx=index, dnsfunc=dnsfunc)
    except Exception:
        ok = False
    results.append({'d': domain, 'ok': bool(ok)})

cv, _, comment = dkim.arc_verify(message, dnsfunc=dnsfunc)
print(json.dumps({'dkim': results, 'arc': {'cv': cv.decode() if isinstance(cv, bytes) else str(cv), 'comment': comment}}))
