#!/usr/bin/env python3
"""Checks airflow/dags/adapter_retraining.py without Airflow: by compiling it and reading its AST.

Usage: python3 airflow/tests/check_dag.py [DAG_FILE]   (default: ../dags/adapter_retraining.py)

It checks that the file compiles; that it defines DAG 'adapter_retraining' with a nightly schedule
and the params tenants, config_file, input_path, base_model_uri and work_root; that the tasks
prepare, train, evaluate and publish are SparkSubmitOperator tasks with the shaded jar, the CLI's
main class, a conn_id, Spark conf, env_vars with DJL_OFFLINE=true, retries with a delay and the
application_args of each adapterforge subcommand (same --conf, same --set run-id=..., folders under
<root>/runs/<run id>/{prepared,adapters,evaluation} handed from one stage to the next); and that
they are chained exactly prepare >> train >> evaluate >> publish.

Standard library only. Exits 0 and prints OK, or exits 1 listing every problem found.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

DAG_ID = "adapter_retraining"
MAIN_CLASS = "io.adapterforge.cli.AdapterforgeCli"
OPERATOR = "SparkSubmitOperator"
OPERATOR_MODULE = "airflow.providers.apache.spark.operators.spark_submit"
TASKS = ["prepare", "train", "evaluate", "publish"]
PARAMS = ["tenants", "config_file", "input_path", "base_model_uri", "work_root"]
# Flags each subcommand must get (besides --conf and --set), and those it may get.
REQUIRED_FLAGS = {
    "prepare": ["--input", "--base-model", "--output"],
    "train": ["--prepared", "--base-model", "--output"],
    "evaluate": ["--prepared", "--adapters", "--base-model", "--output"],
    "publish": ["--evaluation"],
}
OPTIONAL_FLAGS = {"train": ["--adapters"]}
COMMON_FLAGS = ["--conf", "--set"]


class Unknown:
    """A value the checker cannot work out statically."""

    def __init__(self, source: str):
        self.source = source

    def __repr__(self) -> str:
        return f"<{self.source}>"


class CallValue:
    """A call: its function's dotted name and its evaluated arguments."""

    def __init__(self, func: str, args: list, kwargs: dict):
        self.func = func
        self.args = args
        self.kwargs = kwargs

    def __repr__(self) -> str:
        return f"{self.func}(...)"


def dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return dotted(node.value) + "." + node.attr
    return ast.dump(node)


def evaluate(node: ast.AST, env: dict):
    """Evaluates constants, module names, + on strings and lists, containers and calls."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return env.get(node.id, Unknown(node.id))
    if isinstance(node, (ast.List, ast.Tuple)):
        return [evaluate(item, env) for item in node.elts]
    if isinstance(node, ast.Dict):
        return {
            evaluate(key, env) if key is not None else Unknown("**"): evaluate(value, env)
            for key, value in zip(node.keys, node.values)
        }
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        value = evaluate(node.operand, env)
        return -value if isinstance(value, (int, float)) else Unknown(ast.unparse(node))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = evaluate(node.left, env), evaluate(node.right, env)
        if isinstance(left, str) and isinstance(right, str):
            return left + right
        if isinstance(left, list) and isinstance(right, list):
            return left + right
        return Unknown(ast.unparse(node))
    if isinstance(node, ast.Call):
        return CallValue(
            dotted(node.func),
            [evaluate(arg, env) for arg in node.args],
            {kw.arg: evaluate(kw.value, env) for kw in node.keywords if kw.arg is not None},
        )
    return Unknown(ast.unparse(node))


class DagFile:
    """What the checker learned from the file's top level and its `with DAG(...)` block."""

    def __init__(self, tree: ast.Module):
        self.env: dict = {}
        self.imports: dict = {}  # local name -> module.name
        self.dag_calls: list[CallValue] = []
        self.tasks: dict = {}  # variable -> CallValue
        self.edges: list[tuple[str, str]] = []
        self.other_statements: list[str] = []
        self.read_block(tree.body)

    def read_block(self, statements: list) -> None:
        for statement in statements:
            if isinstance(statement, ast.ImportFrom):
                for alias in statement.names:
                    self.imports[alias.asname or alias.name] = f"{statement.module}.{alias.name}"
            elif isinstance(statement, ast.Import):
                for alias in statement.names:
                    self.imports[alias.asname or alias.name] = alias.name
            elif isinstance(statement, ast.Try):
                self.read_block(statement.body)
                for handler in statement.handlers:
                    self.read_block(handler.body)
            elif isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target = statement.targets[0]
                value = evaluate(statement.value, self.env)
                if isinstance(target, ast.Name):
                    if isinstance(value, CallValue) and value.func == OPERATOR:
                        self.tasks[target.id] = value
                    elif isinstance(value, CallValue) and value.func == "DAG":
                        self.dag_calls.append(value)
                    self.env[target.id] = value
            elif isinstance(statement, ast.With):
                for item in statement.items:
                    value = evaluate(item.context_expr, self.env)
                    if isinstance(value, CallValue) and value.func == "DAG":
                        self.dag_calls.append(value)
                self.read_block(statement.body)
            elif isinstance(statement, ast.Expr):
                self.read_dependencies(statement.value)

    def read_dependencies(self, node: ast.AST) -> None:
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.RShift, ast.LShift)):
            chain = flatten_shift(node)
            for (left, op, right) in chain:
                upstream, downstream = (left, right) if op == ">>" else (right, left)
                self.edges.append((upstream, downstream))
        elif isinstance(node, ast.Call) and dotted(node.func) in ("chain", "airflow.models.baseoperator.chain"):
            names = [dotted(arg) for arg in node.args]
            self.edges.extend(zip(names, names[1:]))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
            "set_downstream",
            "set_upstream",
        ):
            owner, other = dotted(node.func.value), dotted(node.args[0]) if node.args else "?"
            self.edges.append((owner, other) if node.func.attr == "set_downstream" else (other, owner))
        else:
            self.other_statements.append(ast.unparse(node))


def flatten_shift(node: ast.AST) -> list[tuple[str, str, str]]:
    """a >> b >> c parses as (a >> b) >> c: returns [(a, >>, b), (b, >>, c)]."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.RShift, ast.LShift)):
        left = flatten_shift(node.left)
        op = ">>" if isinstance(node.op, ast.RShift) else "<<"
        last = left[-1][2] if left else dotted(node.left)
        return left + [(last, op, dotted(node.right))]
    return []


def flags_of(args: list, task: str, problems: list) -> dict:
    """The --flag value pairs after the subcommand, as flag -> [values]."""
    flags: dict = {}
    i = 1
    while i < len(args):
        flag = args[i]
        if not (isinstance(flag, str) and flag.startswith("--")):
            problems.append(f"task {task}: application_args item {i} {flag!r} is not a --flag")
            i += 1
            continue
        if i + 1 >= len(args):
            problems.append(f"task {task}: {flag} has no value")
            break
        flags.setdefault(flag, []).append(args[i + 1])
        i += 2
    return flags


def is_nightly(schedule) -> bool:
    if schedule in ("@daily", "@midnight"):
        return True
    if not isinstance(schedule, str):
        return False
    fields = schedule.split()
    return (
        len(fields) == 5
        and fields[0].isdigit()
        and fields[1].isdigit()
        and fields[2:] == ["*", "*", "*"]
    )


def check(path: Path) -> list[str]:
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as e:
        return [f"cannot read {path}: {e}"]
    try:
        compile(source, str(path), "exec")
    except SyntaxError as e:
        return [f"does not compile: {e.msg} at line {e.lineno}"]
    dag_file = DagFile(ast.parse(source, str(path)))
    problems: list[str] = []

    if dag_file.imports.get(OPERATOR) != f"{OPERATOR_MODULE}.{OPERATOR}":
        problems.append(f"{OPERATOR} is not imported from {OPERATOR_MODULE}")

    if len(dag_file.dag_calls) != 1:
        problems.append(f"expected one DAG(...), found {len(dag_file.dag_calls)}")
    else:
        dag = dag_file.dag_calls[0]
        if dag.kwargs.get("dag_id") != DAG_ID:
            problems.append(f"DAG dag_id is {dag.kwargs.get('dag_id')!r}, expected {DAG_ID!r}")
        schedule = dag.kwargs.get("schedule", dag.kwargs.get("schedule_interval"))
        if not is_nightly(schedule):
            problems.append(f"DAG schedule {schedule!r} is not nightly (a daily cron such as '0 2 * * *')")
        params = dag.kwargs.get("params")
        if not isinstance(params, dict):
            problems.append("DAG has no params dict")
        else:
            for name in PARAMS:
                if name not in params:
                    problems.append(f"DAG params lack {name!r}")

    by_id: dict = {}
    for variable, call in dag_file.tasks.items():
        task_id = call.kwargs.get("task_id")
        if task_id in by_id:
            problems.append(f"task_id {task_id!r} is used twice")
        by_id[task_id] = (variable, call)
    if sorted(map(str, by_id)) != sorted(TASKS):
        problems.append(f"{OPERATOR} tasks are {sorted(map(str, by_id))}, expected {TASKS}")

    run_ids, confs, base_models, dirs = {}, {}, {}, {}
    for task in TASKS:
        if task not in by_id:
            continue
        call = by_id[task][1]
        kwargs = call.kwargs
        application = kwargs.get("application")
        if not (isinstance(application, str) and ".jar" in application):
            problems.append(f"task {task}: application {application!r} is not the shaded jar")
        if kwargs.get("java_class") != MAIN_CLASS:
            problems.append(f"task {task}: java_class is {kwargs.get('java_class')!r}, expected {MAIN_CLASS!r}")
        if not (isinstance(kwargs.get("conn_id"), str) and kwargs["conn_id"]):
            problems.append(f"task {task}: no conn_id")
        if not (isinstance(kwargs.get("conf"), dict) and kwargs["conf"]):
            problems.append(f"task {task}: no conf (Spark properties)")
        env_vars = kwargs.get("env_vars")
        if not (isinstance(env_vars, dict) and env_vars.get("DJL_OFFLINE") == "true"):
            problems.append(f"task {task}: env_vars lack DJL_OFFLINE='true'")
        retries = kwargs.get("retries")
        if not (isinstance(retries, int) and retries >= 1):
            problems.append(f"task {task}: retries is {retries!r}, expected 1 or more")
        if "retry_delay" not in kwargs:
            problems.append(f"task {task}: no retry_delay")
        args = kwargs.get("application_args")
        if not (isinstance(args, list) and args and all(isinstance(a, str) for a in args)):
            problems.append(f"task {task}: application_args {args!r} is not a list of strings")
            continue
        if args[0] != task:
            problems.append(f"task {task}: application_args start with {args[0]!r}, expected the subcommand {task!r}")
        flags = flags_of(args, task, problems)
        allowed = REQUIRED_FLAGS[task] + OPTIONAL_FLAGS.get(task, []) + COMMON_FLAGS
        for flag in flags:
            if flag not in allowed:
                problems.append(f"task {task}: unexpected flag {flag} (allowed: {' '.join(allowed)})")
        for flag in REQUIRED_FLAGS[task] + COMMON_FLAGS:
            if flag not in flags:
                problems.append(f"task {task}: application_args lack {flag}")
        for flag, values in flags.items():
            if len(values) > 1 and flag != "--set":
                problems.append(f"task {task}: {flag} is given {len(values)} times")
        run_id = [v[len("run-id="):] for v in flags.get("--set", []) if v.startswith("run-id=")]
        if not run_id:
            problems.append(f"task {task}: no --set run-id=...")
        else:
            run_ids[task] = run_id[0]
        if "--conf" in flags:
            confs[task] = flags["--conf"][0]
            if "params.config_file" not in confs[task]:
                problems.append(f"task {task}: --conf {confs[task]!r} does not use params.config_file")
        if "--base-model" in flags:
            base_models[task] = flags["--base-model"][0]
            if "params.base_model_uri" not in base_models[task]:
                problems.append(f"task {task}: --base-model does not use params.base_model_uri")
        if task == "prepare" and "--input" in flags and "params.input_path" not in flags["--input"][0]:
            problems.append("task prepare: --input does not use params.input_path")
        if task == "train" and "--adapters" in flags and "params.tenants" not in flags["--adapters"][0]:
            problems.append("task train: --adapters does not use params.tenants")
        for flag, values in flags.items():
            dirs[(task, flag)] = values[0]

    if len(set(run_ids.values())) > 1:
        problems.append(f"the tasks do not share one run id: {run_ids}")
    for run_id in set(run_ids.values()):
        if "run_id" not in run_id:
            problems.append(f"run id {run_id!r} is not derived from Airflow's run_id")
    if len(set(confs.values())) > 1:
        problems.append(f"the tasks do not share one --conf: {confs}")
    if len(set(base_models.values())) > 1:
        problems.append(f"the tasks do not share one --base-model: {base_models}")

    run_id = next(iter(run_ids.values()), None)
    handovers = [
        ("prepared", [("prepare", "--output"), ("train", "--prepared"), ("evaluate", "--prepared")]),
        ("adapters", [("train", "--output"), ("evaluate", "--adapters")]),
        ("evaluation", [("evaluate", "--output"), ("publish", "--evaluation")]),
    ]
    roots = set()
    for folder, uses in handovers:
        values = {use: dirs.get(use) for use in uses if use in dirs}
        if len(set(values.values())) > 1:
            problems.append(f"the {folder} folder is not handed on unchanged: {values}")
        for (task, flag), value in values.items():
            suffix = f"/runs/{run_id}/{folder}"
            if run_id is None or not value.endswith(suffix):
                problems.append(f"task {task}: {flag} {value!r} is not <root>/runs/<run id>/{folder}")
            else:
                roots.add(value[: -len(suffix)])
    if len(roots) > 1:
        problems.append(f"the run folders are under different roots: {sorted(roots)}")

    expected_edges = list(zip(TASKS, TASKS[1:]))
    variable_to_task = {variable: task_id for task_id, (variable, _) in by_id.items()}
    edges = [(variable_to_task.get(a, a), variable_to_task.get(b, b)) for a, b in dag_file.edges]
    if sorted(set(edges)) != sorted(expected_edges):
        shown = ", ".join(f"{a} >> {b}" for a, b in edges) or "none"
        problems.append(f"dependencies are [{shown}], expected prepare >> train >> evaluate >> publish")
    return problems


def main(argv: list[str]) -> int:
    default = Path(__file__).resolve().parent.parent / "dags" / "adapter_retraining.py"
    path = Path(argv[1]) if len(argv) > 1 else default
    problems = check(path)
    if problems:
        print(f"FAIL: {path}:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(f"OK: {path}: {' >> '.join(TASKS)}, SparkSubmitOperator, one run id, run folders handed on")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
