//! Password policy (密码策略): at least 8 characters and not the username.

/// Why a password is refused. The web layer turns these into catalogue messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordPolicyError {
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("the password must not be the username")]
    SameAsUsername,
    #[error("the password is too long (at most {MAX_PASSWORD_CHARS} characters)")]
    TooLong,
}

pub const MIN_PASSWORD_CHARS: usize = 8;
/// Long inputs would only make hashing slow; no person types more.
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Checks a new password against the policy. Length counts characters, not bytes, so a
/// password of eight Chinese characters is accepted. The username comparison ignores case
/// and surrounding spaces.
pub fn check_password(username: &str, password: &str) -> Result<(), PasswordPolicyError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordPolicyError::TooShort);
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(PasswordPolicyError::TooLong);
    }
    if password.trim().to_lowercase() == username.trim().to_lowercase() {
        return Err(PasswordPolicyError::SameAsUsername);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        assert_eq!(
            check_password("zhang", "short"),
            Err(PasswordPolicyError::TooShort)
        );
        assert_eq!(
            check_password("zhangsan1", "ZhangSan1"),
            Err(PasswordPolicyError::SameAsUsername)
        );
        assert_eq!(check_password("zhang", "永康五金产业转型"), Ok(()));
        assert_eq!(
            check_password("zhang", "1234567"),
            Err(PasswordPolicyError::TooShort)
        );
        assert_eq!(check_password("zhang", "12345678"), Ok(()));
        assert_eq!(
            check_password("zhang", &"x".repeat(129)),
            Err(PasswordPolicyError::TooLong)
        );
    }
}
