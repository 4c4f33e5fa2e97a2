//! A department's outgoing webhook (推送地址): reminders for the unit are POSTed to it as JSON,
//! after the reminder is committed, with a short timeout. A failed call is logged and counted;
//! the inbox message stays the reminder of record.

use std::time::Duration;

/// How long a webhook call may take.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// Longest webhook address, in characters.
pub const MAX_URL_CHARS: usize = 500;

/// Checks a webhook address as the department form sends it: an `http://` address of the
/// city's network, without spaces. Returns the catalogue key of the problem.
pub fn check_url(url: &str) -> Result<(), &'static str> {
    let url = url.trim();
    if url.chars().count() > MAX_URL_CHARS {
        return Err("error.webhook.too_long");
    }
    let Some(rest) = url.strip_prefix("http://") else {
        return Err("error.webhook.scheme");
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || url.chars().any(char::is_whitespace) {
        return Err("error.webhook.invalid");
    }
    Ok(())
}

/// POSTs `body` to `url`; an error names what went wrong.
pub async fn post(url: &str, body: &serde_json::Value) -> Result<(), String> {
    let client = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .build()
        .map_err(|e| e.to_string())?;
    let res = client
        .post(url)
        .json(body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if res.status().is_success() {
        Ok(())
    } else {
        Err(format!("status {}", res.status()))
    }
}

#[cfg(test)]
mod tests {
    use super::check_url;

    #[test]
    fn webhook_addresses() {
        assert_eq!(check_url("http://10.1.2.3:8080/hook"), Ok(()));
        assert_eq!(check_url("http://oa.yk.gov/robot?id=7"), Ok(()));
        assert_eq!(
            check_url("https://oa.yk.gov/robot"),
            Err("error.webhook.scheme")
        );
        assert_eq!(check_url("ftp://x"), Err("error.webhook.scheme"));
        assert_eq!(check_url("http:///path"), Err("error.webhook.invalid"));
        assert_eq!(check_url("http://a b/"), Err("error.webhook.invalid"));
        let long = format!("http://h/{}", "a".repeat(600));
        assert_eq!(check_url(&long), Err("error.webhook.too_long"));
    }
}
