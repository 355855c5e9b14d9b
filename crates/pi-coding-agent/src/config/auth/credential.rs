//! The credentials `auth.json` holds, one per provider.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A stored credential.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Credential {
    /// `{"type": "api_key", "key": "...", "env": {...}}`.
    #[serde(rename = "api_key")]
    ApiKey(ApiKeyCredential),
    /// `{"type": "oauth", "access": "...", "refresh": "...", "expires": <ms>, ...}`.
    #[serde(rename = "oauth")]
    OAuth(OAuthCredential),
}

/// An API key, written literally or as a `$VAR` template or `!command`.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiKeyCredential {
    /// The key as written (resolved at use).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Environment values for this provider that take priority over the process's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<BTreeMap<String, String>>,
    /// Fields this version does not know, kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// OAuth tokens from a subscription login.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct OAuthCredential {
    /// The refresh token.
    pub refresh: String,
    /// The access token.
    pub access: String,
    /// When the access token expires, in milliseconds since the epoch (kept as written).
    pub expires: serde_json::Number,
    /// Provider-specific fields (account ids, enterprise URLs), kept as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl OAuthCredential {
    /// When the access token expires, in milliseconds since the epoch.
    pub fn expires_ms(&self) -> f64 {
        self.expires.as_f64().unwrap_or(0.0)
    }
}

impl Credential {
    /// An API-key credential holding `key`.
    pub fn api_key(key: impl Into<String>) -> Self {
        Credential::ApiKey(ApiKeyCredential {
            key: Some(key.into()),
            ..ApiKeyCredential::default()
        })
    }

    /// `api_key` or `oauth`, as `auth.json` names the kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Credential::ApiKey(_) => "api_key",
            Credential::OAuth(_) => "oauth",
        }
    }

    /// Reads one `auth.json` entry, checking its shape as pi does.
    pub(crate) fn from_value(value: &Value) -> Option<Self> {
        let object = value.as_object()?;
        match object.get("type").and_then(Value::as_str) {
            Some("api_key") => {
                let key_ok = object.get("key").is_none_or(Value::is_string);
                let env_ok = match object.get("env") {
                    None => true,
                    Some(Value::Object(env)) => env.values().all(Value::is_string),
                    Some(_) => false,
                };
                if !(key_ok && env_ok) {
                    return None;
                }
            }
            Some("oauth") => {
                let finite = object
                    .get("expires")
                    .and_then(Value::as_f64)
                    .is_some_and(f64::is_finite);
                let tokens = object.get("access").is_some_and(Value::is_string)
                    && object.get("refresh").is_some_and(Value::is_string);
                if !(finite && tokens) {
                    return None;
                }
            }
            _ => return None,
        }
        serde_json::from_value(value.clone()).ok()
    }
}

// Keys and tokens never reach logs.
impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::ApiKey(c) => c.fmt(f),
            Credential::OAuth(c) => c.fmt(f),
        }
    }
}

impl fmt::Debug for ApiKeyCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKeyCredential")
            .field("key", &self.key.as_ref().map(|_| "<redacted>"))
            .field(
                "env",
                &self.env.as_ref().map(|env| env.keys().collect::<Vec<_>>()),
            )
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for OAuthCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthCredential")
            .field("expires", &self.expires)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entries_are_checked_like_pi_checks_them() {
        assert!(Credential::from_value(&json!({"type": "api_key", "key": "k"})).is_some());
        assert!(Credential::from_value(&json!({"type": "api_key"})).is_some());
        assert!(Credential::from_value(&json!({"type": "api_key", "key": 1})).is_none());
        assert!(Credential::from_value(&json!({"type": "api_key", "env": {"A": 1}})).is_none());
        assert!(
            Credential::from_value(
                &json!({"type": "oauth", "access": "a", "refresh": "r", "expires": 1})
            )
            .is_some()
        );
        assert!(
            Credential::from_value(&json!({"type": "oauth", "access": "a", "expires": 1}))
                .is_none()
        );
        assert!(Credential::from_value(&json!({"type": "token"})).is_none());
        assert!(Credential::from_value(&json!("k")).is_none());
    }

    #[test]
    fn extras_survive_and_secrets_stay_out_of_debug() {
        let value = json!({"type": "oauth", "refresh": "r-secret", "access": "a-secret",
            "expires": 1735689600000_u64, "accountId": "acc"});
        let credential = Credential::from_value(&value).unwrap();
        assert_eq!(serde_json::to_value(&credential).unwrap(), value);
        let debug = format!("{credential:?}");
        assert!(!debug.contains("secret"), "{debug}");
        let debug = format!("{:?}", Credential::api_key("sk-secret"));
        assert!(!debug.contains("sk-secret"), "{debug}");
        assert_eq!(
            serde_json::to_value(Credential::api_key("k")).unwrap(),
            json!({"type": "api_key", "key": "k"})
        );
    }
}
