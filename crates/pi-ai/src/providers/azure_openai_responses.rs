//! `azure-openai-responses`: the Responses API of Azure OpenAI deployments.
//!
//! The request and stream are OpenAI's; what differs is where it goes and how it
//! authenticates: the base URL comes from the environment (`AZURE_OPENAI_BASE_URL`, or
//! `AZURE_OPENAI_RESOURCE_NAME`) or the model, every request carries `api-version`
//! (`AZURE_OPENAI_API_VERSION`, default `v1`), the key goes in the `api-key` header, and the
//! model id may name a differently called deployment (`AZURE_OPENAI_DEPLOYMENT_NAME_MAP`,
//! `model=deployment,...`).

use reqwest::Url;

use super::openai_responses::{Flavor, Request, ResponsesCompat, Target, build_body, spawn};
use super::{api_key, no_api_key, stream_simple_with_key};
use crate::context::Context;
use crate::http::{self, Headers};
use crate::model::Model;
use crate::options::{SimpleStreamOptions, StreamOptions};
use crate::registry::{ApiProvider, StartError};
use crate::stream::AssistantStream;

const DEFAULT_API_VERSION: &str = "v1";

/// The `azure-openai-responses` adapter.
///
/// Settings left unset come from the environment (`options.env` first, then the process):
///
/// ```
/// use pi_ai::{ApiRegistry, AzureOpenAiResponses};
///
/// let mut registry = ApiRegistry::builtin();
/// registry.register(AzureOpenAiResponses {
///     resource_name: Some("my-resource".into()),
///     api_version: Some("2025-04-01-preview".into()),
///     ..AzureOpenAiResponses::default()
/// });
/// assert!(registry.get("azure-openai-responses").is_some());
/// ```
#[derive(Debug, Clone, Default)]
pub struct AzureOpenAiResponses {
    /// Base URL of the resource (else `AZURE_OPENAI_BASE_URL`).
    pub base_url: Option<String>,
    /// Resource name, for `https://<name>.openai.azure.com/openai/v1` (else
    /// `AZURE_OPENAI_RESOURCE_NAME`).
    pub resource_name: Option<String>,
    /// `api-version` query value (else `AZURE_OPENAI_API_VERSION`, else `v1`).
    pub api_version: Option<String>,
    /// Deployment to send every request to (else mapped from the model id by
    /// `AZURE_OPENAI_DEPLOYMENT_NAME_MAP`, else the model id).
    pub deployment_name: Option<String>,
    /// Reasoning summary detail (`auto`, `concise`, `detailed`); asking for one turns
    /// reasoning on (at `medium` effort) even without a thinking level.
    pub reasoning_summary: Option<String>,
}

impl ApiProvider for AzureOpenAiResponses {
    fn api(&self) -> &str {
        "azure-openai-responses"
    }

    fn stream(&self, model: &Model, context: &Context, options: &StreamOptions) -> AssistantStream {
        let deployment = self.deployment(model, options);
        let Some(api_key) = options.api_key.clone().filter(|k| !k.is_empty()) else {
            return AssistantStream::failed(model, no_api_key(model));
        };
        let url = match self.endpoint(model, options) {
            Ok(url) => url,
            Err(error) => return AssistantStream::failed(model, error),
        };
        let compat = ResponsesCompat::of(model, Flavor::Azure);
        let target = Target {
            flavor: Flavor::Azure,
            model_name: &deployment,
            service_tier: None,
            reasoning_summary: self.reasoning_summary.as_deref(),
        };
        let (body, grammar_inputs) = match build_body(model, context, options, &compat, target) {
            Ok(built) => built,
            Err(error) => return AssistantStream::failed(model, error),
        };
        let mut headers = Headers::new();
        headers.set("Accept", "application/json");
        headers.set("api-key", api_key);
        headers.apply_overrides(model, options);
        let request = Request {
            url,
            headers,
            body,
            grammar_inputs,
            flavor: Flavor::Azure,
            error_prefix: "Azure OpenAI API error".to_string(),
            service_tier: None,
        };
        spawn(model, request, options)
    }

    fn stream_simple(
        &self,
        model: &Model,
        context: &Context,
        options: &SimpleStreamOptions,
    ) -> Result<AssistantStream, StartError> {
        let api_key = api_key(model, &options.base);
        stream_simple_with_key(self, model, context, options, api_key)
    }
}

impl AzureOpenAiResponses {
    /// The deployment requests for `model` go to.
    fn deployment(&self, model: &Model, options: &StreamOptions) -> String {
        if let Some(name) = self.deployment_name.as_ref().filter(|n| !n.is_empty()) {
            return name.clone();
        }
        options
            .env_var("AZURE_OPENAI_DEPLOYMENT_NAME_MAP")
            .and_then(|map| deployment_from_map(&map, &model.id))
            .unwrap_or_else(|| model.id.clone())
    }

    /// `<base URL>/responses?api-version=<version>`.
    fn endpoint(&self, model: &Model, options: &StreamOptions) -> Result<String, String> {
        let setting = |value: &Option<String>, env: &str| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
                .or_else(|| {
                    options
                        .env_var(env)
                        .map(|v| v.trim().to_string())
                        .filter(|v| !v.is_empty())
                })
        };
        let api_version = setting(&self.api_version, "AZURE_OPENAI_API_VERSION")
            .unwrap_or_else(|| DEFAULT_API_VERSION.to_string());
        let base_url = setting(&self.base_url, "AZURE_OPENAI_BASE_URL")
            .or_else(|| {
                setting(&self.resource_name, "AZURE_OPENAI_RESOURCE_NAME")
                    .map(|name| format!("https://{name}.openai.azure.com/openai/v1"))
            })
            .or_else(|| Some(model.base_url.clone()).filter(|u| !u.is_empty()))
            .ok_or_else(|| {
                "Azure OpenAI base URL is required. Set AZURE_OPENAI_BASE_URL or \
                 AZURE_OPENAI_RESOURCE_NAME, or pass azureBaseUrl, azureResourceName, or \
                 model.baseUrl."
                    .to_string()
            })?;
        let base_url = normalize_base_url(&base_url)?;
        let mut url = Url::parse(&http::join_url(&base_url, "/responses"))
            .map_err(|_| format!("Invalid Azure OpenAI base URL: {base_url}"))?;
        url.query_pairs_mut()
            .append_pair("api-version", &api_version);
        Ok(url.to_string())
    }
}

/// The deployment `model_id` maps to in `model=deployment,...`.
fn deployment_from_map(map: &str, model_id: &str) -> Option<String> {
    map.split(',').find_map(|entry| {
        let mut parts = entry.trim().splitn(2, '=');
        let (model, deployment) = (parts.next()?.trim(), parts.next()?.trim());
        (!model.is_empty() && !deployment.is_empty() && model == model_id)
            .then(|| deployment.to_string())
    })
}

/// Azure resource URLs given without their API path (or with the full responses path) get
/// `/openai/v1`, where the Responses API lives; other URLs are used as given.
fn normalize_base_url(base_url: &str) -> Result<String, String> {
    let trimmed = base_url.trim().trim_end_matches('/');
    let mut url =
        Url::parse(trimmed).map_err(|_| format!("Invalid Azure OpenAI base URL: {base_url}"))?;
    let host = url.host_str().unwrap_or_default();
    let azure_host = [
        ".openai.azure.com",
        ".cognitiveservices.azure.com",
        ".ai.azure.com",
    ]
    .iter()
    .any(|suffix| host.ends_with(suffix));
    let path = url.path().trim_end_matches('/');
    if azure_host && matches!(path, "" | "/openai" | "/openai/v1/responses") {
        url.set_path("/openai/v1");
        url.set_query(None);
    }
    Ok(url.to_string().trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployment_names_map_by_model_id() {
        let map = " gpt-5 = prod-gpt5 , o4=,=x, gpt-4.1=team-41";
        assert_eq!(
            deployment_from_map(map, "gpt-5").as_deref(),
            Some("prod-gpt5")
        );
        assert_eq!(
            deployment_from_map(map, "gpt-4.1").as_deref(),
            Some("team-41")
        );
        assert_eq!(deployment_from_map(map, "o4"), None);
        assert_eq!(deployment_from_map("", "gpt-5"), None);
    }

    #[test]
    fn azure_hosts_get_the_v1_path() {
        for given in [
            "https://res.openai.azure.com",
            "https://res.openai.azure.com/",
            "https://res.openai.azure.com/openai",
            "https://res.openai.azure.com/openai/v1/responses?x=1",
            "https://res.cognitiveservices.azure.com/openai/",
        ] {
            let expected = if given.contains("cognitive") {
                "https://res.cognitiveservices.azure.com/openai/v1"
            } else {
                "https://res.openai.azure.com/openai/v1"
            };
            assert_eq!(normalize_base_url(given).unwrap(), expected, "{given}");
        }
        // Other hosts and paths are kept.
        assert_eq!(
            normalize_base_url("http://127.0.0.1:8080/proxy/").unwrap(),
            "http://127.0.0.1:8080/proxy"
        );
        assert_eq!(
            normalize_base_url("https://res.openai.azure.com/custom").unwrap(),
            "https://res.openai.azure.com/custom"
        );
        assert_eq!(
            normalize_base_url("not a url").unwrap_err(),
            "Invalid Azure OpenAI base URL: not a url"
        );
    }
}
