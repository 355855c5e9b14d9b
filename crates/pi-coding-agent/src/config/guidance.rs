//! What pi tells a user who has no model or no credential, pointing at its docs.

use std::path::Path;

/// How to log in, with the docs to read (`<docs>/providers.md`, `<docs>/models.md`).
pub fn provider_login_help(docs_dir: &Path) -> String {
    format!(
        "Use /login to log into a provider via OAuth or API key. See:\n  {}\n  {}",
        docs_dir.join("providers.md").display(),
        docs_dir.join("models.md").display()
    )
}

/// `No models available. ...`: no provider has a credential.
pub fn no_models_available(docs_dir: &Path) -> String {
    format!("No models available. {}", provider_login_help(docs_dir))
}

/// `No model selected. ...`: a prompt was sent without a model.
pub fn no_model_selected(docs_dir: &Path) -> String {
    format!(
        "No model selected.\n\n{}\n\nThen use /model to select a model.",
        provider_login_help(docs_dir)
    )
}

/// `No API key found for <provider>. ...`.
pub fn no_api_key_found(provider: &str, docs_dir: &Path) -> String {
    let provider = if provider == "unknown" {
        "the selected model"
    } else {
        provider
    };
    format!(
        "No API key found for {provider}.\n\n{}",
        provider_login_help(docs_dir)
    )
}

/// The message for an OAuth login that no longer authenticates.
pub fn authentication_failed(provider: &str) -> String {
    format!(
        "Authentication failed for \"{provider}\". Credentials may have expired or network is unavailable. Run '/login {provider}' to re-authenticate."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_match_pi() {
        let docs = Path::new("/pkg/docs");
        assert_eq!(
            no_models_available(docs),
            "No models available. Use /login to log into a provider via OAuth or API key. See:\n  /pkg/docs/providers.md\n  /pkg/docs/models.md"
        );
        assert_eq!(
            no_model_selected(docs),
            "No model selected.\n\nUse /login to log into a provider via OAuth or API key. See:\n  /pkg/docs/providers.md\n  /pkg/docs/models.md\n\nThen use /model to select a model."
        );
        assert!(
            no_api_key_found("unknown", docs)
                .starts_with("No API key found for the selected model.\n\n")
        );
        assert!(
            no_api_key_found("groq", docs).starts_with("No API key found for groq.\n\nUse /login")
        );
    }
}
