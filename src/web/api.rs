//! `/api/v1/…`: the REST API for integrations, with `Authorization: Bearer <token>`
//! (`tandem token add`). Errors are JSON (`{"error": "…"}`): 401 without a live token,
//! 403 without the scope, 404, 400 for bad input. The OpenAPI document
//! (`/api/v1/openapi.json`) is made from [`ENDPOINTS`], the same table the routes are
//! checked against in the tests.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::api::{self, ApiClient, NewMessage, NewTicket};
use crate::app::{App, AppError};

/// One endpoint: method, path (OpenAPI style), scope, summary, request body schema name.
pub struct Endpoint {
    pub method: &'static str,
    pub path: &'static str,
    pub scope: &'static str,
    pub summary: &'static str,
    pub body: Option<&'static str>,
}

pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint { method: "get", path: "/api/v1/tickets", scope: "tickets:read", summary: "Tickets, newest first (`limit` ≤ 200, `offset`).", body: None },
    Endpoint { method: "post", path: "/api/v1/tickets", scope: "tickets:write", summary: "Open a ticket with a customer's message (`Idempotency-Key` makes a retry one ticket).", body: Some("NewTicket") },
    Endpoint { method: "get", path: "/api/v1/tickets/{number}", scope: "tickets:read", summary: "A ticket with its messages, drafts and events.", body: None },
    Endpoint { method: "post", path: "/api/v1/tickets/{number}/messages", scope: "tickets:write", summary: "Add a customer's message to a ticket (`Idempotency-Key` as above).", body: Some("NewMessage") },
    Endpoint { method: "get", path: "/api/v1/customers/{email}", scope: "customers:read", summary: "A customer and the numbers of their tickets.", body: None },
    Endpoint { method: "get", path: "/api/v1/kb", scope: "kb:read", summary: "Knowledge-base articles (`language`, `page`).", body: None },
];

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/openapi.json", web::get().to(openapi))
        .route("/api/v1/tickets", web::get().to(list_tickets))
        .route("/api/v1/tickets", web::post().to(create_ticket))
        .route("/api/v1/tickets/{number}", web::get().to(get_ticket))
        .route("/api/v1/tickets/{number}/messages", web::post().to(add_message))
        .route("/api/v1/customers/{email}", web::get().to(get_customer))
        .route("/api/v1/kb", web::get().to(list_kb));
}

fn error(status: StatusCode, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(json!({"error": message}))
}

fn app_error(e: AppError) -> HttpResponse {
    match e {
        AppError::NotFound(what) => error(StatusCode::NOT_FOUND, &format!("{what} not found")),
        AppError::Invalid(m) => error(StatusCode::BAD_REQUEST, &m),
        e @ AppError::Malformed(_) => error(StatusCode::BAD_REQUEST, &e.to_string()),
        AppError::Refused(m) => error(StatusCode::UNPROCESSABLE_ENTITY, &m),
        AppError::Conflict(m) => error(StatusCode::CONFLICT, &m),
        // Stored, but it could not be processed: kept for an administrator, so a retry
        // would change nothing.
        e @ AppError::Unprocessable(_) => HttpResponse::Accepted().json(json!({
            "ticket": null, "created": true, "kept_for_an_administrator": e.to_string(),
        })),
        e if e.is_temporary() => error(StatusCode::SERVICE_UNAVAILABLE, "temporarily unavailable; try again"),
        e => {
            tracing::error!(error = %e, "api");
            error(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        }
    }
}

/// The caller, when the request carries a live token with `scope`; else the answer.
async fn caller(app: &web::Data<App>, req: &HttpRequest, scope: &str) -> Result<ApiClient, HttpResponse> {
    let token = req
        .headers()
        .get("Authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string);
    let Some(token) = token else {
        return Err(error(StatusCode::UNAUTHORIZED, "send Authorization: Bearer <token> (tandem token add)"));
    };
    let app = app.clone();
    let found = web::block(move || api::authenticate(&app, &token))
        .await
        .map_err(|_| error(StatusCode::SERVICE_UNAVAILABLE, "busy; try again"))?
        .map_err(app_error)?;
    match found {
        None => Err(error(StatusCode::UNAUTHORIZED, "the token is not valid (revoked or unknown)")),
        Some(c) if !c.may(scope) => Err(error(StatusCode::FORBIDDEN, &format!("the token lacks the scope {scope}"))),
        Some(c) => Ok(c),
    }
}

async fn run<T: serde::Serialize + Send + 'static>(
    status: StatusCode,
    f: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> HttpResponse {
    match web::block(f).await {
        Ok(Ok(v)) => HttpResponse::build(status).json(v),
        Ok(Err(e)) => app_error(e),
        Err(_) => error(StatusCode::SERVICE_UNAVAILABLE, "busy; try again"),
    }
}

fn idempotency_key(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get("Idempotency-Key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 200)
        .map(str::to_string)
}

#[derive(Deserialize)]
pub struct Page {
    limit: Option<i64>,
    offset: Option<i64>,
}

pub async fn list_tickets(app: web::Data<App>, req: HttpRequest, p: web::Query<Page>) -> HttpResponse {
    if let Err(r) = caller(&app, &req, "tickets:read").await {
        return r;
    }
    let (limit, offset) = (p.limit.unwrap_or(50).clamp(1, 200), p.offset.unwrap_or(0).max(0));
    run(StatusCode::OK, move || crate::app::tickets::list(&app, limit, offset)).await
}

pub async fn get_ticket(app: web::Data<App>, req: HttpRequest, number: web::Path<i64>) -> HttpResponse {
    let client = match caller(&app, &req, "tickets:read").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let number = number.into_inner();
    run(StatusCode::OK, move || api::ticket(&app, &client, number)).await
}

pub async fn create_ticket(app: web::Data<App>, req: HttpRequest, body: web::Json<NewTicket>) -> HttpResponse {
    let client = match caller(&app, &req, "tickets:write").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let key = idempotency_key(&req);
    run(StatusCode::CREATED, move || api::create_ticket(&app, &client, &body, key.as_deref())).await
}

pub async fn add_message(
    app: web::Data<App>,
    req: HttpRequest,
    number: web::Path<i64>,
    body: web::Json<NewMessage>,
) -> HttpResponse {
    let client = match caller(&app, &req, "tickets:write").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (key, number) = (idempotency_key(&req), number.into_inner());
    run(StatusCode::CREATED, move || api::add_message(&app, &client, number, &body, key.as_deref())).await
}

pub async fn get_customer(app: web::Data<App>, req: HttpRequest, email: web::Path<String>) -> HttpResponse {
    let client = match caller(&app, &req, "customers:read").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    run(StatusCode::OK, move || api::customer(&app, &client, &email)).await
}

#[derive(Deserialize)]
pub struct KbQuery {
    language: Option<String>,
    page: Option<i64>,
}

pub async fn list_kb(app: web::Data<App>, req: HttpRequest, q: web::Query<KbQuery>) -> HttpResponse {
    if let Err(r) = caller(&app, &req, "kb:read").await {
        return r;
    }
    let q = q.into_inner();
    run(StatusCode::OK, move || api::articles(&app, q.language.as_deref(), q.page.unwrap_or(1))).await
}

/// The OpenAPI 3.1 document of [`ENDPOINTS`].
pub fn document() -> Value {
    let mut paths = serde_json::Map::new();
    for e in ENDPOINTS {
        let mut op = json!({
            "summary": e.summary,
            "security": [{"bearer": [e.scope]}],
            "x-scope": e.scope,
            "responses": {
                "200": {"description": "OK (201 for a write)"},
                "202": {"description": "A write stored but not processed: kept for an administrator (`kept_for_an_administrator` says why); sending it again changes nothing"},
                "409": {"$ref": "#/components/responses/Error"},
                "400": {"$ref": "#/components/responses/Error"},
                "401": {"$ref": "#/components/responses/Error"},
                "403": {"$ref": "#/components/responses/Error"},
                "404": {"$ref": "#/components/responses/Error"}
            }
        });
        let mut params = Vec::new();
        for name in ["number", "email"] {
            if e.path.contains(&format!("{{{name}}}")) {
                params.push(json!({"name": name, "in": "path", "required": true, "schema": {"type": if name == "number" {"integer"} else {"string"}}}));
            }
        }
        if e.method == "post" {
            params.push(json!({"name": "Idempotency-Key", "in": "header", "required": false, "schema": {"type": "string"}}));
        }
        if !params.is_empty() {
            op["parameters"] = Value::Array(params);
        }
        if let Some(schema) = e.body {
            op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
        }
        paths
            .entry(e.path.to_string())
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("an object")
            .insert(e.method.to_string(), op);
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Tandem", "version": env!("CARGO_PKG_VERSION")},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": format!("A token from `tandem token add`; scopes: {}", api::SCOPES.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", "))}},
            "responses": {"Error": {"description": "An error", "content": {"application/json": {"schema": {"type": "object", "properties": {"error": {"type": "string"}}}}}}},
            "schemas": {
                "NewTicket": {"type": "object", "required": ["email", "subject", "body"], "properties": {"email": {"type": "string", "format": "email"}, "name": {"type": "string"}, "subject": {"type": "string"}, "body": {"type": "string"}}},
                "NewMessage": {"type": "object", "required": ["body"], "properties": {"body": {"type": "string"}}}
            }
        }
    })
}

pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(document())
}
