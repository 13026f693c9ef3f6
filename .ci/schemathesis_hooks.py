"""schemathesis hooks for .ci/schemathesis.sh (loaded through SCHEMATHESIS_HOOKS).

Some rules of the API cannot be written in JSON Schema, so a request schemathesis
generates as valid can still be one the server rightly refuses. For requests generated
as valid (positive mode) only, these hooks make the generated data satisfy those rules,
changing nothing the schema decides; requests generated as invalid are sent untouched.

- objectIds are unique within a plan and across plans (JSON Schema cannot relate values
  across a tree): every valid objectId a plan body carries is made unique. This one is
  done for invalid requests too, so that they are refused for what makes them invalid
  rather than for a repeated id; an objectId that breaks the schema is left as it is.
- PUT /v1/plans/{id}: the body's objectId is the id in the path.
- PATCH /v1/plans/{id}: the patch cannot change the plan's objectId, and a
  linkedPlanServices element it appends (new objectId) must be a complete PlanService.
- GET /v1/plans/{id}: `version` and `as_of` name the same thing two ways; one at a time.
- Tenancy (docs/tenancy.md): every `_org` of a plan body is the token's organisation
  (example.com, the default of a token without an org claim), and so is `org`.
- Idempotency-Key: a client uses a new key for each new request (a key reused for
  another request is refused with 422 by design), so positive cases get a fresh key.
- POST /v1/imports takes NDJSON, which schemathesis has no serializer for: any value is
  sent as its text (JSON for structures), gzipped for application/gzip. Every text is an
  acceptable upload: each line becomes an outcome of the job, invalid lines included.
- GET /v1/events: `after` is a position the feed handed out, which a pattern cannot
  generate (the embedded store's has one part); a positive case reads from the start.
- POST /v1/subscriptions: the URL must be one a webhook may reach and the secret's key
  24 to 64 bytes, which the patterns only approximate; `from` a position the feed has.
  A positive case gets an https URL of example.com, no secret (a new one is made) and
  `from: now`.
- POST/GET /v1/search: from + size must not exceed 10,000, a has_child query's
  max_children must not be below its min_children, a sort's sum/avg/median mode needs a
  field that sorts by number (whose missing value must be a number), an ids value is
  not empty, and a minimum_should_match string parses.
"""

import gzip
import itertools
import json
import re

import schemathesis
from schemathesis.generation.modes import GenerationMode

_ids = itertools.count()
_valid_id = re.compile(r"^[A-Za-z0-9._~:-]{1,128}$")


def _fresh_id():
    return "st-%d" % next(_ids)


def _objects(value):
    """Yields every JSON object in value, outermost first; the caller may change each
    before its members are visited."""
    if isinstance(value, dict):
        yield value
        children = list(value.values())
    elif isinstance(value, list):
        children = value
    else:
        return
    for child in children:
        yield from _objects(child)


def _unique_ids(value):
    """Replaces every valid objectId in value with a fresh one, in place."""
    for obj in _objects(value):
        oid = obj.get("objectId")
        if isinstance(oid, str) and _valid_id.match(oid) and oid not in (".", ".."):
            obj["objectId"] = _fresh_id()


def _complete_cost_share(cs):
    cs = dict(cs) if isinstance(cs, dict) else {}
    cs.setdefault("objectId", _fresh_id())
    cs.setdefault("objectType", "membercostshare")
    cs.setdefault("_org", "example.com")
    cs.setdefault("deductible", 0)
    cs.setdefault("copay", 0)
    return cs


def _complete_plan_service(ps):
    ps["objectType"] = ps.get("objectType", "planservice")
    ps.setdefault("_org", "example.com")
    svc = dict(ps.get("linkedService") or {})
    svc.setdefault("objectId", _fresh_id())
    svc.setdefault("objectType", "service")
    svc.setdefault("_org", "example.com")
    svc.setdefault("name", "Yearly physical")
    ps["linkedService"] = svc
    ps["planserviceCostShares"] = _complete_cost_share(ps.get("planserviceCostShares"))


def _own_org(value):
    """Sets every _org in value to the token's organisation, in place."""
    for obj in _objects(value):
        if "_org" in obj:
            obj["_org"] = "example.com"


def _order_children_bounds(value):
    """Swaps has_child min_children/max_children where max < min, in place."""
    for obj in _objects(value):
        hc = obj.get("has_child")
        if isinstance(hc, dict):
            lo, hi = hc.get("min_children"), hc.get("max_children")
            if isinstance(lo, (int, float)) and isinstance(hi, (int, float)) and hi < lo:
                hc["min_children"], hc["max_children"] = hi, lo


def _as_text(value):
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    return json.dumps(value).encode("utf-8")


@schemathesis.serializer("application/x-ndjson")
def _ndjson(ctx, value):
    return _as_text(value)


@schemathesis.serializer("application/gzip")
def _gzip(ctx, value):
    return gzip.compress(_as_text(value))


_NUMBER_FIELDS = {"copay", "deductible", "_seq_no", "_version"}
_NUMBER_UNMAPPED = {"long", "integer", "short", "byte", "double", "float", "half_float", "date", "date_nanos", "boolean"}


def _numeric_sort_modes(body):
    """Drops a sort's sum/avg/median mode on a field that does not sort by number:
    Elasticsearch (and the engine) refuse those modes there, which the schema cannot say
    since it does not know a field's type."""
    sort = body.get("sort")
    for key in sort if isinstance(sort, list) else [sort]:
        if not isinstance(key, dict):
            continue
        for field, opts in key.items():
            if not isinstance(opts, dict):
                continue
            mapped = field in _NUMBER_FIELDS or field in ("_org", "planType", "creationDate", "objectId", "objectType", "name.keyword", "plan_join", "_id", "_index", "_score", "_doc")
            numeric = field in _NUMBER_FIELDS or (not mapped and opts.get("unmapped_type") in _NUMBER_UNMAPPED)
            if not numeric and opts.get("mode") in ("sum", "avg", "median"):
                del opts["mode"]
            missing = opts.get("missing")
            if numeric and "missing" in opts and missing not in ("_first", "_last") and (isinstance(missing, bool) or not isinstance(missing, (int, float))):
                # A number sort parses its missing value as a number.
                del opts["missing"]


_MSM = re.compile(r"^\s*(-?[0-9]+%?|[0-9]+<-?[0-9]+%?(\s+[0-9]+<-?[0-9]+%?)*)\s*$")


def _parsable_msm(value):
    """A minimum_should_match string the engines cannot parse is refused by both (as
    Elasticsearch's Integer.parseInt fails); the schema only says it is a string."""
    for obj in _objects(value):
        msm = obj.get("minimum_should_match")
        if isinstance(msm, str) and not _MSM.match(msm):
            obj["minimum_should_match"] = "1"


def _no_empty_ids(value):
    """An empty _id names no document and is refused (Ids can't be empty)."""
    for obj in _objects(value):
        ids = obj.get("ids")
        if isinstance(ids, dict) and isinstance(ids.get("values"), list):
            ids["values"] = [v if v != "" else "x" for v in ids["values"]]


def _is_positive(case):
    meta = case.meta
    return meta is not None and meta.generation.mode == GenerationMode.POSITIVE


@schemathesis.hook
def before_call(context, case, kwargs):
    op = "%s %s" % (case.method.upper(), case.path)
    if op in ("POST /v1/plans", "PUT /v1/plans/{id}", "PATCH /v1/plans/{id}") and isinstance(case.body, (dict, list)):
        # A JSON round trip, not deepcopy: generated values may share one dict in
        # several places, and each place needs its own objectIds.
        body = json.loads(json.dumps(case.body))
        _unique_ids(body)
        case.body = body
    if not _is_positive(case):
        return
    if case.headers and "Idempotency-Key" in case.headers:
        case.headers = dict(case.headers, **{"Idempotency-Key": "st-key-%d" % next(_ids)})
    if case.query and "org" in case.query:
        case.query = dict(case.query, org="example.com")
    if case.method.upper() == "GET" and case.path == "/v1/events" and case.query and "after" in case.query:
        case.query = {k: v for k, v in case.query.items() if k != "after"}
    if case.method.upper() == "GET" and case.path == "/v1/plans/{id}" and case.query:
        if "version" in case.query and "as_of" in case.query:
            case.query = {k: v for k, v in case.query.items() if k != "as_of"}
    if not isinstance(case.body, dict):
        return
    body = json.loads(json.dumps(case.body))
    if op in ("POST /v1/plans", "PUT /v1/plans/{id}", "PATCH /v1/plans/{id}"):
        _own_org(body)
    if op == "PUT /v1/plans/{id}":
        if isinstance(case.path_parameters.get("id"), str):
            body["objectId"] = case.path_parameters["id"]
    elif op == "PATCH /v1/plans/{id}":
        body.pop("objectId", None)
        for ps in body.get("linkedPlanServices") or []:
            if isinstance(ps, dict):
                _complete_plan_service(ps)
    elif op == "POST /v1/plans":
        pass
    elif op == "POST /v1/subscriptions":
        body["url"] = "https://hooks.example.com/planstore"
        body.pop("secret", None)
        body["from"] = "now"
    elif op in ("POST /v1/search", "GET /v1/search"):
        size = body.get("size", 10)
        start = body.get("from", 0)
        if isinstance(size, (int, float)) and isinstance(start, (int, float)) and start + size > 10000:
            body["from"] = max(0, 10000 - int(size))
        _order_children_bounds(body)
        _numeric_sort_modes(body)
        _no_empty_ids(body)
        _parsable_msm(body)
    else:
        return
    case.body = body
