//! API 文档: the OpenAPI document rendered on the server, grouped by tag, readable offline and
//! without JavaScript.

use std::sync::OnceLock;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use serde_json::{Map, Value};

use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::layout::{PageCtx, page_ctx};
use crate::pages::render;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/docs", get(docs))
}

/// One row of a properties or parameters table.
pub struct Field {
    pub name: String,
    /// query | path | header | cookie (parameters only).
    pub location: String,
    pub required: bool,
    pub ty: String,
    /// Schema the type refers to, for a link.
    pub schema: Option<String>,
    /// Safe HTML.
    pub description: String,
}

/// One content type of a request body.
pub struct BodyContent {
    pub content_type: String,
    pub ty: String,
    pub schema: Option<String>,
    pub fields: Vec<Field>,
}

pub struct Response {
    pub status: String,
    /// Safe HTML.
    pub description: String,
    pub ty: String,
    pub schema: Option<String>,
}

pub struct Operation {
    pub anchor: String,
    pub method: String,
    pub path: String,
    /// Safe HTML.
    pub summary: String,
    pub description: Vec<Para>,
    pub public: bool,
    pub params: Vec<Field>,
    /// Safe HTML.
    pub body_description: String,
    pub body: Vec<BodyContent>,
    pub responses: Vec<Response>,
}

pub struct TagGroup {
    pub anchor: String,
    pub name: String,
    /// Safe HTML.
    pub description: String,
    pub operations: Vec<Operation>,
}

pub struct Schema {
    pub name: String,
    pub description: Vec<Para>,
    pub fields: Vec<Field>,
}

/// The document as the page shows it (language-independent, built once).
pub struct DocView {
    pub title: String,
    pub version: String,
    pub openapi: String,
    pub description: Vec<Para>,
    pub groups: Vec<TagGroup>,
    pub schemas: Vec<Schema>,
    pub operation_count: usize,
}

#[derive(Template)]
#[template(path = "api_docs.html")]
struct DocsPage {
    page: PageCtx,
    doc: &'static DocView,
}

async fn docs(State(state): State<AppState>, user: CurrentUser) -> Result<Html<String>, PageError> {
    let page = page_ctx(
        &state,
        &user,
        "api_docs.title",
        &[("api_docs.title", None)],
        None,
    )
    .await;
    render(&DocsPage {
        page,
        doc: doc_view(),
    })
}

/// The rendered view of [`crate::api::openapi::document`].
pub fn doc_view() -> &'static DocView {
    static VIEW: OnceLock<DocView> = OnceLock::new();
    VIEW.get_or_init(|| {
        let v = serde_json::to_value(crate::api::openapi::document()).unwrap_or(Value::Null);
        build(&v)
    })
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Description text as safe HTML: escaped, with `inline code` in `<code>`.
fn rich(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    if parts.len().is_multiple_of(2) {
        // Unbalanced backticks: show the text as it is.
        return escape(s);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", escape(p))
            } else {
                escape(p)
            }
        })
        .collect()
}

fn rich_of(v: &Value) -> String {
    rich(v.as_str().unwrap_or_default())
}

/// A paragraph of a description (safe HTML), or a fenced code block (plain text).
pub struct Para {
    pub code: bool,
    pub text: String,
}

/// Splits a (Markdown) description into paragraphs at blank lines; fenced blocks stay whole.
fn paragraphs(s: &str) -> Vec<Para> {
    let mut out = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    let mut in_code = false;
    let flush = |cur: &mut Vec<&str>, out: &mut Vec<Para>, code: bool| {
        let text = cur.join("\n");
        if !text.trim().is_empty() {
            out.push(Para {
                code,
                text: if code { text } else { rich(text.trim()) },
            });
        }
        cur.clear();
    };
    for line in s.lines() {
        if line.trim_start().starts_with("```") {
            flush(&mut cur, &mut out, in_code);
            in_code = !in_code;
        } else if !in_code && line.trim().is_empty() {
            flush(&mut cur, &mut out, false);
        } else {
            cur.push(line);
        }
    }
    flush(&mut cur, &mut out, in_code);
    out
}

fn ref_name(v: &Value) -> Option<String> {
    v["$ref"]
        .as_str()
        .map(|r| r.rsplit('/').next().unwrap_or(r).to_string())
}

/// A short type label of a schema: `string (date-time)`, `UserDto[]`, `integer | null` …
/// and the component schema it refers to, if any.
fn type_of(s: &Value) -> (String, Option<String>) {
    if let Some(name) = ref_name(s) {
        return (name.clone(), Some(name));
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(parts) = s[key].as_array() {
            let mut labels = Vec::new();
            let mut schema = None;
            for p in parts {
                let (l, r) = type_of(p);
                if schema.is_none() {
                    schema = r;
                }
                labels.push(l);
            }
            let sep = if key == "allOf" { " & " } else { " | " };
            return (labels.join(sep), schema);
        }
    }
    let types: Vec<String> = match &s["type"] {
        Value::String(t) => vec![t.clone()],
        Value::Array(ts) => ts.iter().map(text).collect(),
        _ => vec![],
    };
    let mut schema = None;
    let mut labels: Vec<String> = types
        .iter()
        .map(|t| match t.as_str() {
            "array" => {
                let (inner, r) = type_of(&s["items"]);
                schema = r;
                format!("{inner}[]")
            }
            "null" => "null".to_string(),
            other => match s["format"].as_str() {
                Some(f) => format!("{other} ({f})"),
                None => other.to_string(),
            },
        })
        .collect();
    if let Some(values) = s["enum"].as_array() {
        let vs: Vec<String> = values
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string())
            })
            .collect();
        labels = vec![vs.join(" | ")];
    }
    if labels.is_empty() {
        labels.push("any".to_string());
    }
    (labels.join(" | "), schema)
}

/// The properties of an object schema, following references and `allOf` (flattened structs).
fn fields_of(schema: &Value, components: &Map<String, Value>, depth: usize) -> Vec<Field> {
    if depth > 8 {
        return vec![];
    }
    if let Some(name) = ref_name(schema) {
        return components
            .get(&name)
            .map(|s| fields_of(s, components, depth + 1))
            .unwrap_or_default();
    }
    let mut out = Vec::new();
    if let Some(parts) = schema["allOf"].as_array() {
        for p in parts {
            out.extend(fields_of(p, components, depth + 1));
        }
    }
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(props) = schema["properties"].as_object() {
        for (name, p) in props {
            let (ty, schema_ref) = type_of(p);
            out.push(Field {
                name: name.clone(),
                location: String::new(),
                required: required.contains(&name.as_str()),
                ty,
                schema: schema_ref,
                description: rich_of(&p["description"]),
            });
        }
    }
    out
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn anchor(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

fn operation(method: &str, path: &str, op: &Value, components: &Map<String, Value>) -> Operation {
    let params = op["parameters"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .map(|p| {
                    let (ty, schema) = type_of(&p["schema"]);
                    Field {
                        name: text(&p["name"]),
                        location: text(&p["in"]),
                        required: p["required"].as_bool().unwrap_or(false),
                        ty,
                        schema,
                        description: rich_of(&p["description"]),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let body = op["requestBody"]["content"]
        .as_object()
        .map(|contents| {
            contents
                .iter()
                .map(|(ct, c)| {
                    let (ty, schema) = type_of(&c["schema"]);
                    BodyContent {
                        content_type: ct.clone(),
                        ty,
                        schema,
                        fields: fields_of(&c["schema"], components, 0),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let responses = op["responses"]
        .as_object()
        .map(|rs| {
            rs.iter()
                .map(|(status, r)| {
                    let (ty, schema) = r["content"]
                        .as_object()
                        .and_then(|c| c.values().next())
                        .map(|c| type_of(&c["schema"]))
                        .unwrap_or_default();
                    let ty = if ty == "any" { String::new() } else { ty };
                    Response {
                        status: status.clone(),
                        description: rich_of(&r["description"]),
                        ty,
                        schema,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let public = op["security"]
        .as_array()
        .is_some_and(|s| s.iter().any(|r| r.as_object().is_some_and(Map::is_empty)));
    Operation {
        anchor: format!("op-{method}{}", anchor(path)),
        method: method.to_ascii_uppercase(),
        path: path.to_string(),
        summary: rich_of(&op["summary"]),
        description: paragraphs(op["description"].as_str().unwrap_or_default()),
        public,
        params,
        body_description: rich_of(&op["requestBody"]["description"]),
        body,
        responses,
    }
}

fn build(doc: &Value) -> DocView {
    let empty = Map::new();
    let components = doc["components"]["schemas"].as_object().unwrap_or(&empty);
    let mut groups: Vec<TagGroup> = doc["tags"]
        .as_array()
        .map(|tags| {
            tags.iter()
                .map(|t| TagGroup {
                    anchor: format!("tag-{}", anchor(&text(&t["name"]))),
                    name: text(&t["name"]),
                    description: rich_of(&t["description"]),
                    operations: vec![],
                })
                .collect()
        })
        .unwrap_or_default();
    let mut count = 0;
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            for m in METHODS {
                let op = &item[m];
                if !op.is_object() {
                    continue;
                }
                count += 1;
                let tag = op["tags"][0].as_str().unwrap_or("default").to_string();
                let o = operation(m, path, op, components);
                match groups.iter_mut().find(|g| g.name == tag) {
                    Some(g) => g.operations.push(o),
                    None => groups.push(TagGroup {
                        anchor: format!("tag-{}", anchor(&tag)),
                        name: tag,
                        description: String::new(),
                        operations: vec![o],
                    }),
                }
            }
        }
    }
    groups.retain(|g| !g.operations.is_empty());
    let schemas = components
        .iter()
        .map(|(name, s)| Schema {
            name: name.clone(),
            description: paragraphs(s["description"].as_str().unwrap_or_default()),
            fields: fields_of(s, components, 0),
        })
        .collect();
    DocView {
        title: text(&doc["info"]["title"]),
        version: text(&doc["info"]["version"]),
        openapi: text(&doc["openapi"]),
        description: paragraphs(doc["info"]["description"].as_str().unwrap_or_default()),
        groups,
        schemas,
        operation_count: count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_are_escaped_and_inline_code_marked() {
        assert_eq!(rich("a `b<c>` & d"), "a <code>b&lt;c&gt;</code> &amp; d");
        assert_eq!(rich("odd ` tick <x>"), "odd ` tick &lt;x&gt;");
        let p = paragraphs("One `x`.\n\n```toml\n[2027]\nwork = []\n```\nAfter <b>.");
        assert_eq!(p.len(), 3);
        assert!(!p[0].code && p[0].text == "One <code>x</code>.");
        assert!(p[1].code && p[1].text == "[2027]\nwork = []");
        assert!(!p[2].code && p[2].text == "After &lt;b&gt;.");
    }

    #[test]
    fn every_registered_operation_is_shown() {
        let v = doc_view();
        assert!(v.operation_count >= 30, "{}", v.operation_count);
        let shown: usize = v.groups.iter().map(|g| g.operations.len()).sum();
        assert_eq!(shown, v.operation_count);
        let users = v
            .groups
            .iter()
            .find(|g| g.name == "users")
            .expect("users tag");
        let create = users
            .operations
            .iter()
            .find(|o| o.method == "POST" && o.path == "/api/v1/users")
            .expect("create user");
        assert!(create.body.iter().any(|b| {
            b.fields
                .iter()
                .any(|f| f.name == "username" && f.ty == "string" && f.required)
        }));
        assert!(
            create
                .responses
                .iter()
                .any(|r| r.status == "201" && r.schema.as_deref() == Some("UserCreated"))
        );
        let login = v
            .groups
            .iter()
            .flat_map(|g| &g.operations)
            .find(|o| o.path == "/api/v1/auth/login")
            .expect("login");
        assert!(login.public);
        assert!(!create.public);
        // A flattened struct shows the fields of both parts.
        let created = v
            .schemas
            .iter()
            .find(|s| s.name == "UserCreated")
            .expect("schema");
        assert!(created.fields.iter().any(|f| f.name == "username"));
        assert!(
            created
                .fields
                .iter()
                .any(|f| f.name == "temporary_password")
        );
    }
}
