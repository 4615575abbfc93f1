//! HTTP client of the Run API: fetches text and hands it to the pure decoders.

use crate::core::decode::{self, DecodeError};
use crate::core::model::{Environment, EnvironmentActivity, Log, Run};
use crate::core::route::encode;
use gloo_net::http::Request;
use std::fmt;

/// Where the API lives, resolved once at start (see `app::config`).
#[derive(Clone, Debug, PartialEq)]
pub struct Api {
    pub base: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// The resource does not exist (404, or a static host's HTML fallback page).
    NotFound { url: String },
    /// The request did not complete (server down, CORS, offline).
    Network { url: String, message: String },
    /// The server answered with an error status.
    Http {
        url: String,
        status: u16,
        text: String,
    },
    /// The response arrived but cannot be shown.
    Decode(DecodeError),
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::NotFound { url } => write!(f, "Not found: {url}"),
            ApiError::Network { url, message } => {
                write!(f, "Could not reach the API at {url}: {message}")
            }
            ApiError::Http { url, status, text } => {
                write!(f, "The API answered {status} {text} for {url}")
            }
            ApiError::Decode(e) => write!(f, "{e}"),
        }
    }
}

impl Api {
    fn url(&self, path: &str) -> String {
        format!("{}/{}", self.base.trim_end_matches('/'), path)
    }

    async fn get_text(&self, path: &str) -> Result<String, ApiError> {
        let url = self.url(path);
        let resp = Request::get(&url)
            .header("Accept", "application/json")
            .send()
            .await
            .map_err(|e| ApiError::Network {
                url: url.clone(),
                message: e.to_string(),
            })?;
        if resp.status() == 404 || resp.status() == 410 {
            return Err(ApiError::NotFound { url });
        }
        if !resp.ok() {
            return Err(ApiError::Http {
                url,
                status: resp.status(),
                text: resp.status_text(),
            });
        }
        // A static host with a single-page-app fallback answers unknown paths
        // with index.html and 200: that is a missing resource, not bad JSON.
        let ctype = resp.headers().get("content-type").unwrap_or_default();
        if ctype.contains("text/html") {
            return Err(ApiError::NotFound { url });
        }
        resp.text().await.map_err(|e| ApiError::Network {
            url,
            message: e.to_string(),
        })
    }

    pub async fn environments(&self) -> Result<Vec<Environment>, ApiError> {
        let text = self.get_text("environments.json").await?;
        decode::decode_environments(&text).map_err(ApiError::Decode)
    }

    pub async fn activity(&self, env: &str) -> Result<EnvironmentActivity, ApiError> {
        let text = self
            .get_text(&format!("environments/{}/activity.json", encode(env)))
            .await?;
        decode::decode_activity(&text).map_err(ApiError::Decode)
    }

    pub async fn run(&self, env: &str, run_id: &str) -> Result<Run, ApiError> {
        let text = self
            .get_text(&format!(
                "environments/{}/runs/{}.json",
                encode(env),
                encode(run_id)
            ))
            .await?;
        decode::decode_run(&text).map_err(ApiError::Decode)
    }

    pub async fn log(&self, log_id: &str) -> Result<Log, ApiError> {
        let text = self
            .get_text(&format!("logs/{}.json", encode(log_id)))
            .await?;
        decode::decode_log(&text).map_err(ApiError::Decode)
    }
}
