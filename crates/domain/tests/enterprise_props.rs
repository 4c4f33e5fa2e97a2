//! Property tests of the enterprise helpers.

use proptest::prelude::*;
use wujin_domain::enterprise::{ABOVE_SCALE_MAIN_REVENUE_YUAN, Scale, derive_scale, mask_phone};

proptest! {
    #[test]
    fn mask_phone_never_panics(s in any::<String>()) {
        let _ = mask_phone(&s);
    }

    #[test]
    fn mobiles_keep_three_and_four(n in 10_000_000_000u64..=19_999_999_999) {
        let phone = n.to_string();
        let masked = mask_phone(&phone);
        prop_assert_eq!(masked, format!("{}****{}", &phone[..3], &phone[7..]));
    }

    #[test]
    fn other_lengths_show_at_most_two(s in "[0-9-]{0,10}|[0-9]{12,20}") {
        let masked = mask_phone(&s);
        let trimmed = s.trim();
        prop_assert_eq!(masked.chars().count(), trimmed.chars().count());
        let shown = masked.chars().filter(|&c| c != '*').count();
        prop_assert!(shown <= 2);
        if trimmed.chars().count() > 2 {
            prop_assert!(trimmed.ends_with(&masked[masked.len() - 2..]));
        }
    }

    #[test]
    fn scale_threshold(r in any::<i64>()) {
        let want = if r >= ABOVE_SCALE_MAIN_REVENUE_YUAN { Scale::Above } else { Scale::Below };
        prop_assert_eq!(derive_scale(Some(r)), Some(want));
    }
}
