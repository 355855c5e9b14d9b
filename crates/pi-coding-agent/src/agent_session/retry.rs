//! Automatic retry of failed requests: which failures, and how long to wait.

use std::time::Duration;

use pi_ai::AssistantMessage;

use crate::config::settings::RetrySettings;

/// The wait before retry `attempt` (from 1): `base × 2^(attempt−1)`, or longer when the
/// provider asked for longer, never more than `max_agent_delay_ms`.
pub fn retry_delay_ms(settings: &RetrySettings, attempt: u32, hint: Option<Duration>) -> u64 {
    let exponential = settings.base_delay_ms.saturating_mul(
        1u64.checked_shl(attempt.saturating_sub(1))
            .unwrap_or(u64::MAX),
    );
    let hinted = hint.map_or(0, |hint| {
        u64::try_from(hint.as_millis()).unwrap_or(u64::MAX)
    });
    exponential.max(hinted).min(settings.max_agent_delay_ms)
}

/// Whether a failed response is worth retrying: a transient provider or network error, and
/// not a context overflow (compaction handles those).
pub fn is_retryable(message: &AssistantMessage, context_window: u64) -> bool {
    !pi_ai::is_context_overflow(message, Some(context_window))
        && pi_ai::is_retryable_assistant_error(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> RetrySettings {
        RetrySettings {
            enabled: true,
            max_retries: 3,
            base_delay_ms: 2000,
            max_agent_delay_ms: 60_000,
        }
    }

    #[test]
    fn delays_double_up_to_the_cap() {
        let settings = defaults();
        assert_eq!(retry_delay_ms(&settings, 1, None), 2000);
        assert_eq!(retry_delay_ms(&settings, 2, None), 4000);
        assert_eq!(retry_delay_ms(&settings, 3, None), 8000);
        assert_eq!(retry_delay_ms(&settings, 40, None), 60_000);
    }

    #[test]
    fn a_longer_provider_hint_wins() {
        let settings = defaults();
        assert_eq!(
            retry_delay_ms(&settings, 1, Some(Duration::from_secs(7))),
            7000
        );
        assert_eq!(
            retry_delay_ms(&settings, 2, Some(Duration::from_millis(500))),
            4000
        );
        assert_eq!(
            retry_delay_ms(&settings, 1, Some(Duration::from_secs(600))),
            60_000
        );
    }
}
