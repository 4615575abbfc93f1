//! Real-looking SQLMesh-style model definitions derived from the catalog.

use super::project::Spec;

/// A column description from its name: `customer_id` -> "Identifier of the customer".
pub fn describe(col: &str) -> String {
    let words = |s: &str| s.replace('_', " ");
    if let Some(x) = col.strip_suffix("_id") {
        format!("Identifier of the {}", words(x))
    } else if let Some(x) = col.strip_suffix("_at") {
        format!("When the {} happened (UTC)", words(x))
    } else if let Some(x) = col.strip_suffix("_date") {
        format!("Calendar date of the {}", words(x))
    } else if let Some(x) = col.strip_suffix("_count") {
        format!("Number of {}s", words(x))
    } else if let Some(x) = col.strip_prefix("is_") {
        format!("Whether the record is {}", words(x))
    } else if col.contains("amount")
        || col.contains("revenue")
        || col == "spend"
        || col.contains("price")
    {
        format!("{} in the order currency", capitalize(&words(col)))
    } else {
        capitalize(&words(col))
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn time_column(spec: &Spec) -> Option<&str> {
    spec.columns
        .iter()
        .find(|(n, t)| t == "TIMESTAMP" && !n.starts_with('_') || t == "DATE")
        .map(|(n, _)| n.as_str())
}

fn header(spec: &Spec) -> String {
    let kind = if spec.kind == "INCREMENTAL_BY_TIME_RANGE" {
        format!(
            "INCREMENTAL_BY_TIME_RANGE (\n    time_column {}\n  )",
            time_column(spec).unwrap_or("ds")
        )
    } else {
        spec.kind.clone()
    };
    let mut h = format!("MODEL (\n  name {},\n  kind {},\n", spec.name, kind);
    if let Some(c) = &spec.cron {
        h.push_str(&format!("  cron '{c}',\n"));
    }
    h.push_str(&format!(
        "  owner '{}',\n  grain {}\n);\n\n",
        spec.owner, spec.columns[0].0
    ));
    h
}

fn is_numeric(t: &str) -> bool {
    t.starts_with("DECIMAL") || t == "DOUBLE" || t == "BIGINT" || t == "INTEGER"
}

/// The model's SQL. `modified` adds the change a plan made to the model.
pub fn definition(
    spec: &Spec,
    upstream: &[(String, Vec<(String, String)>)],
    modified: bool,
) -> String {
    if spec.kind == "EXTERNAL" {
        let cols: Vec<String> = spec
            .columns
            .iter()
            .map(|(n, t)| format!("  {n} {t}"))
            .collect();
        return format!("-- External table loaded by the ingestion service.\nCREATE EXTERNAL TABLE {} (\n{}\n);\n", spec.name, cols.join(",\n"));
    }
    let mut sql = header(spec);
    if modified {
        sql.push_str("-- Changed by the latest plan: filter test orders and recompute amounts.\n");
    }
    let aliases: Vec<String> = (1..=upstream.len()).map(|i| format!("u{i}")).collect();
    let mut select = Vec::new();
    let mut group_by = Vec::new();
    let source_of = |col: &str| {
        upstream
            .iter()
            .position(|(_, cols)| cols.iter().any(|(n, _)| n == col))
    };
    let has_agg = spec.columns.iter().any(|(c, _)| source_of(c).is_none());
    for (col, ty) in &spec.columns {
        let expr = match source_of(col) {
            // In an aggregating model, measures carried over from upstream are summed.
            Some(i) if has_agg && ty.starts_with("DECIMAL") => {
                format!("SUM({}.{col})::{ty} AS {col}", aliases[i])
            }
            Some(i) => {
                group_by.push(format!("{}.{col}", aliases[i]));
                if spec.name.starts_with("staging.") && ty != "VARCHAR" {
                    format!("{}.{col}::{ty} AS {col}", aliases[i])
                } else {
                    format!("{}.{col}", aliases[i])
                }
            }
            None => {
                let first_num = upstream
                    .iter()
                    .enumerate()
                    .find_map(|(i, (_, cols))| {
                        cols.iter()
                            .find(|(n, t)| is_numeric(t) && !n.ends_with("_id"))
                            .map(|(n, _)| format!("{}.{n}", aliases[i]))
                    })
                    .unwrap_or_else(|| "1".into());
                let key = upstream
                    .first()
                    .map(|(_, c)| format!("u1.{}", c[0].0))
                    .unwrap_or_else(|| "*".into());
                if col.ends_with("_count") || col.starts_with("count") || ty == "BIGINT" {
                    format!("COUNT(DISTINCT {key}) AS {col}")
                } else if ty == "DOUBLE" {
                    format!("AVG({first_num})::DOUBLE AS {col}")
                } else if ty.starts_with("DECIMAL") {
                    format!("SUM({first_num})::{ty} AS {col}")
                } else if ty == "DATE" {
                    let t = upstream
                        .iter()
                        .enumerate()
                        .find_map(|(i, (_, cols))| {
                            cols.iter()
                                .find(|(_, t)| t == "TIMESTAMP" || t == "DATE")
                                .map(|(n, _)| format!("{}.{n}", aliases[i]))
                        })
                        .unwrap_or_else(|| "CURRENT_DATE".into());
                    group_by.push(format!("DATE_TRUNC('day', {t})"));
                    format!("DATE_TRUNC('day', {t})::DATE AS {col}")
                } else if ty == "BOOLEAN" {
                    format!("BOOL_OR({first_num} > 0) AS {col}")
                } else {
                    format!("MAX({first_num}) AS {col}")
                }
            }
        };
        select.push(expr);
    }
    sql.push_str("SELECT\n  ");
    sql.push_str(&select.join(",\n  "));
    sql.push('\n');
    for (i, (name, cols)) in upstream.iter().enumerate() {
        if i == 0 {
            sql.push_str(&format!("FROM {name} AS u1\n"));
        } else {
            let shared = cols
                .iter()
                .find(|(n, _)| n.ends_with("_id") && upstream[0].1.iter().any(|(m, _)| m == n));
            match shared {
                Some((k, _)) => sql.push_str(&format!(
                    "LEFT JOIN {name} AS {} ON u1.{k} = {}.{k}\n",
                    aliases[i], aliases[i]
                )),
                None => sql.push_str(&format!("CROSS JOIN {name} AS {}\n", aliases[i])),
            }
        }
    }
    if spec.kind == "INCREMENTAL_BY_TIME_RANGE" {
        if let Some((n, _)) = upstream.first().and_then(|(_, cols)| {
            cols.iter()
                .find(|(n, t)| (t == "TIMESTAMP" || t == "DATE") && !n.starts_with('_'))
        }) {
            sql.push_str(&format!("WHERE u1.{n} BETWEEN @start_ts AND @end_ts\n"));
        }
    }
    if modified {
        sql.push_str(if sql.contains("WHERE") {
            "  AND NOT u1.is_test\n"
        } else {
            "WHERE NOT u1.is_test\n"
        });
    }
    if has_agg && !group_by.is_empty() {
        sql.push_str(&format!("GROUP BY {}\n", group_by.join(", ")));
    }
    sql
}

/// The query an audit runs: rows it returns are failing rows.
pub fn audit_query(audit: &str, model: &str, column: &str) -> String {
    match audit {
        "not_null" => format!("SELECT * FROM {model} WHERE {column} IS NULL"),
        "unique_values" => {
            format!("SELECT {column}, COUNT(*) FROM {model} GROUP BY {column} HAVING COUNT(*) > 1")
        }
        "accepted_range" => format!("SELECT * FROM {model} WHERE {column} < 0"),
        _ => format!("SELECT 1 WHERE (SELECT COUNT(*) FROM {model}) = 0"),
    }
}
