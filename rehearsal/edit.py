#!/usr/bin/env python3
"""The rehearsal's second documentation change, as scripted edits of spec/ (run by `run`).

A documentation change reaches the spec in two ways, and this script makes both, on facts
that the demo and examples/ do not use:

- Alibaba publishes new metadata: the facts it holds (which parameters, response fields and
  error codes exist, the response demo) change in a new file under spec/metadata/, which
  `dwdi-codegen import` then turns into the imported layer. `metadata()` writes that file.
- A page changes: its English text, what only it documents. `hand()` edits
  spec/dataworks-di.json.

Together with the metadata pair (`dwdi-codegen import` of the .changed file) the rehearsal
covers every kind of change issue 10 lists: a parameter of every type added (a boolean
included) and one removed; an enum value added; a response field added, removed and renamed;
an error code added and removed; a sample and a description changed.

Usage: edit.py metadata IN OUT         (IN: the metadata the layer comes from now)
       edit.py hand SPEC               (SPEC: spec/dataworks-di.json)
       edit.py drop SPEC POINTER...    (removes the entries the lint lists as dropped)
       edit.py probes BEFORE AFTER     (effective specs: how to call each new parameter wrongly)
"""

import json
import sys

GET = "GetDISyncInstanceInfo"
STOP = "StopDISyncInstance"


def demo_edit(api, edit):
    """Applies `edit` to the JSON response demo of `api` (a JSON string of demos)."""
    demos = json.loads(api["responseDemo"])
    for demo in demos:
        if demo.get("type") == "json":
            body = json.loads(demo["example"])
            edit(body)
            demo["example"] = json.dumps(body, indent=2, ensure_ascii=False)
    # The XML demo is not imported; it is left as it is.
    api["responseDemo"] = json.dumps(demos, ensure_ascii=False)


def rename_key(obj, old, new):
    """`obj` with the key `old` renamed to `new`, in its place."""
    return {(new if k == old else k): v for k, v in obj.items()}


def metadata(src, dst):
    with open(src, encoding="utf-8") as f:
        md = json.load(f)
    get = md["apis"][GET]
    stop = md["apis"][STOP]

    # A parameter removed: the optional boolean the first change added.
    get["parameters"] = [p for p in get["parameters"] if p["name"] != "IncludeStepDetail"]

    # A response field renamed (StepId → StepNo) and one added (Progress), in the schema and
    # in the demo.
    step = get["responses"]["200"]["schema"]["properties"]["Data"]["properties"]["SolutionInfo"][
        "properties"
    ]["StepDetail"]["items"]
    props = rename_key(step["properties"], "StepId", "StepNo")
    props["Progress"] = {
        "description": "同步解决方案运行步骤的进度（百分比）。",
        "type": "integer",
        "format": "int64",
        "example": "100",
    }
    step["properties"] = props

    def get_demo(body):
        solution = body["Data"]["SolutionInfo"]
        solution["StepDetail"] = [
            {**rename_key(item, "StepId", "StepNo"), "Progress": 100}
            for item in solution["StepDetail"]
        ]

    demo_edit(get, get_demo)

    # An error code removed (the one the first change added) and one added.
    get["errorCodes"].pop("404", None)
    stop["errorCodes"].setdefault("400", []).append(
        {"errorCode": "Invalid.DI.Task.NotRunning", "errorMessage": "The task is not running."}
    )

    # A sample changed.
    def stop_demo(body):
        body["Data"]["Message"] = "fileId:[100] is not running."

    demo_edit(stop, stop_demo)

    with open(dst, "w", encoding="utf-8") as f:
        json.dump(md, f, ensure_ascii=False, indent=2)
        f.write("\n")


def hand(path):
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    params = spec["operations"][GET]["parameters"]
    # Parameters of every type, documented by the page only (so declared in full).
    params["Keyword"] = {
        "description": "Only steps whose name contains this text.",
        "type": "string",
        "required": False,
        "example": "base",
    }
    params["PageSize"] = {
        "description": "How many steps of a solution to return at most.",
        "type": "int64",
        "required": False,
        "range": {"minimum": 1, "maximum": 100},
        "example": 20,
    }
    params["Verbose"] = {
        "description": "Whether to return each step's Info.",
        "type": "boolean",
        "required": False,
        "example": True,
    }
    params["ExpectedStatus"] = {
        "description": "Answer only once the real-time task is in this state.",
        "type": "enum",
        "enum": "RealtimeInstanceStatus",
        "required": False,
        "example": "RUN",
    }
    params["RestartParam"] = {
        "description": "The start-up settings to restart a failed task with.",
        "type": "jsonString",
        "document": "StartParam",
        "required": False,
        "example": '{"failoverLimit":{"count":3,"interval":30}}',
    }
    # An enum value added.
    spec["enums"]["RealtimeInstanceStatus"]["values"]["SUSPENDED"] = {
        "description": "Suspended by the system."
    }
    # A description changed.
    spec["operations"][STOP]["parameters"]["FileId"]["description"] = (
        "The ID of the real-time task to stop, as ListFiles gives it."
    )
    with open(path, "w", encoding="utf-8") as f:
        json.dump(spec, f, ensure_ascii=False, indent=2)
        f.write("\n")


def drop(path, pointers):
    """Removes hand-written entries at JSON pointers (`dwdi-codegen lint` lists them as
    dropped: they refine facts the metadata no longer has), as README's workflow says."""
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    for pointer in pointers:
        *parents, last = [
            t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]
        ]
        node = spec
        for token in parents:
            node = node[int(token)] if isinstance(node, list) else node[token]
        del node[last]
    with open(path, "w", encoding="utf-8") as f:
        json.dump(spec, f, ensure_ascii=False, indent=2)
        f.write("\n")


# A text that is not a value of each type; text parameters accept anything.
WRONG = {
    "int64": "not-a-number",
    "boolean": "maybe",
    "enum": "NOT_A_DOCUMENTED_VALUE",
    "jsonString": '{"unterminated":',
}


def probes(before_path, after_path):
    """Prints, for each parameter the effective spec AFTER has and BEFORE does not, one line
    `ACTION<TAB>PARAM<TAB>WRONG<TAB>--Name=value...`: a wrongly typed value for it, and the
    operation's required parameters with their examples."""
    with open(before_path, encoding="utf-8") as f:
        before = json.load(f)["operations"]
    with open(after_path, encoding="utf-8") as f:
        after = json.load(f)["operations"]

    def text(v):
        return v if isinstance(v, str) else json.dumps(v)

    for action, op in after.items():
        old = before.get(action, {}).get("parameters", {})
        required = [
            f"--{name}={text(p['example'])}"
            for name, p in op["parameters"].items()
            if p["required"] and "example" in p
        ]
        for name, p in op["parameters"].items():
            if name in old or p["type"] not in WRONG:
                continue
            print("\t".join([action, name, WRONG[p["type"]], *required]))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "metadata":
        metadata(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "hand":
        hand(sys.argv[2])
    elif len(sys.argv) >= 3 and sys.argv[1] == "drop":
        drop(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) == 4 and sys.argv[1] == "probes":
        probes(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
