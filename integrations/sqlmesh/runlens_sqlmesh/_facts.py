"""Reading SQLMesh's objects into event payloads (docs/events.md).

Every function here is defensive: SQLMesh's objects change across releases,
so a missing attribute gives an absent field, never an exception.
"""

from __future__ import annotations

import typing as t
from datetime import datetime, timezone


def now() -> str:
    return rfc3339(datetime.now(timezone.utc))


def rfc3339(d: datetime) -> str:
    if d.tzinfo is None:
        d = d.replace(tzinfo=timezone.utc)
    d = d.astimezone(timezone.utc)
    text = d.strftime("%Y-%m-%dT%H:%M:%S")
    if d.microsecond:
        text += f".{d.microsecond // 1000:03d}"
    return text + "Z"


def from_ms(ms: t.Any) -> t.Optional[str]:
    try:
        return rfc3339(datetime.fromtimestamp(int(ms) / 1000, tz=timezone.utc))
    except Exception:
        return None


def from_timelike(value: t.Any) -> t.Optional[str]:
    if value is None:
        return None
    try:
        from sqlmesh.utils.date import to_datetime

        return rfc3339(to_datetime(value))
    except Exception:
        return None


def interval(value: t.Any) -> t.Tuple[t.Optional[str], t.Optional[str]]:
    """An interval `(start_ms, end_ms)` as two RFC 3339 times."""
    try:
        start, end = value
        return from_ms(start), from_ms(end)
    except Exception:
        return None, None


def model_name(fqn: t.Any, default_catalog: t.Optional[str]) -> str:
    """`"db"."sqlmesh_example"."full_model"` -> `sqlmesh_example.full_model`
    (the catalog is kept when it is not the default one)."""
    text = str(fqn)
    try:
        from sqlglot import exp

        parts = [p.name for p in exp.to_table(text).parts]
        if not parts or any(not p for p in parts):
            return text.replace('"', "")
        if len(parts) == 3 and default_catalog and parts[0].lower() == default_catalog.lower():
            parts = parts[1:]
        return ".".join(parts)
    except Exception:
        return text.replace('"', "")


def _enum_text(value: t.Any) -> t.Optional[str]:
    if value is None:
        return None
    for attr in ("value", "name"):
        v = getattr(value, attr, None)
        if isinstance(v, str):
            return v
    return str(value)


def definition(node: t.Any) -> t.Optional[str]:
    """The model's definition as SQLMesh renders it (MODEL block and query;
    a Python model's code)."""
    try:
        dialect = getattr(node, "dialect", None) or None
        is_python = getattr(node, "source_type", None) == "python"
        exprs = node.render_definition(include_python=is_python)
        return ";\n\n".join(e.sql(pretty=True, dialect=dialect) for e in exprs) or None
    except Exception:
        pass
    try:
        return node.query.sql(pretty=True, dialect=getattr(node, "dialect", None))
    except Exception:
        return None


def model(snapshot: t.Any, default_catalog: t.Optional[str]) -> t.Optional[t.Dict[str, t.Any]]:
    """A Model of the Run API (docs/api.md) from a SQLMesh snapshot."""
    try:
        name = model_name(snapshot.name, default_catalog)
    except Exception:
        return None
    out: t.Dict[str, t.Any] = {"name": name}
    node = getattr(snapshot, "node", None) or getattr(snapshot, "model", None)
    if node is None:
        return out

    def put(key: str, fn: t.Callable[[], t.Any]) -> None:
        try:
            v = fn()
        except Exception:
            return
        if v is not None and v != "" and v != []:
            out[key] = v

    put("kind", lambda: _enum_text(getattr(node.kind, "name", None)))
    put("cron", lambda: str(node.cron) if getattr(node, "cron", None) else None)
    put("interval_unit", lambda: _enum_text(node.interval_unit))
    put("dialect", lambda: node.dialect or None)
    put("owner", lambda: node.owner or None)
    put(
        "upstream",
        lambda: sorted({model_name(p.name, default_catalog) for p in snapshot.parents}),
    )
    put("definition", lambda: definition(node))

    def columns() -> t.List[t.Dict[str, t.Any]]:
        types = node.columns_to_types or {}
        descriptions = getattr(node, "column_descriptions", None) or {}
        cols = []
        for col, dtype in types.items():
            c: t.Dict[str, t.Any] = {"name": str(col)}
            try:
                c["type"] = dtype.sql(dialect=node.dialect or None)
            except Exception:
                c["type"] = str(dtype)
            if descriptions.get(col):
                c["description"] = str(descriptions[col])
            cols.append(c)
        return cols

    put("columns", columns)
    return out


def audit_blocking(snapshot: t.Any, audit_name: str) -> t.Optional[bool]:
    """Whether the model's audit `audit_name` is blocking, from its definition
    (the model's `blocking` argument wins over the audit's own setting)."""
    try:
        for audit, args in snapshot.node.audits_with_args:
            if audit.name == audit_name:
                arg = args.get("blocking")
                if arg is not None:
                    return str(arg.sql() if hasattr(arg, "sql") else arg).strip().upper() == "TRUE"
                return bool(getattr(audit, "blocking", True))
    except Exception:
        pass
    return None


def audit_names(snapshot: t.Any) -> t.Optional[t.List[t.Tuple[str, bool]]]:
    """Every audit of the model that runs (not `skip`ped): (name, blocking)."""
    try:
        out = []
        for audit, _args in snapshot.node.audits_with_args:
            if getattr(audit, "skip", False):
                continue
            blocking = audit_blocking(snapshot, audit.name)
            out.append((audit.name, True if blocking is None else blocking))
        return out
    except Exception:
        return None


def error_text(exc: BaseException) -> str:
    """What failed, as the SQLMesh console would say it."""
    cause = exc.__cause__ or exc
    try:
        from sqlmesh.utils.errors import NodeAuditsErrors

        if isinstance(cause, NodeAuditsErrors):
            return "\n".join([str(cause)] + [str(e) for e in cause.errors])
    except Exception:
        pass
    text = str(cause).strip()
    name = type(cause).__name__
    return f"{name}: {text}" if text else name
