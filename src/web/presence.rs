//! Who else has a ticket open, and who is writing a reply, so agents do not collide.
//! Kept in memory: it is a hint that expires in seconds, not a record (the audit trail of
//! who viewed what is in the event log). With several `serve` processes each knows its own.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const FRESH: Duration = Duration::from_secs(30);

#[derive(Default)]
pub struct Presence {
    seen: Mutex<HashMap<i64, Vec<Seen>>>,
}

struct Seen {
    user_id: String,
    name: String,
    replying: bool,
    at: Instant,
}

impl Presence {
    /// Records that `user` looks at ticket `number` and returns the others there.
    pub fn heartbeat(
        &self,
        number: i64,
        user_id: &str,
        name: &str,
        replying: bool,
    ) -> Vec<(String, bool)> {
        let mut map = self.seen.lock().expect("presence lock");
        let list = map.entry(number).or_default();
        list.retain(|s| s.at.elapsed() < FRESH && s.user_id != user_id);
        list.push(Seen {
            user_id: user_id.to_string(),
            name: name.to_string(),
            replying,
            at: Instant::now(),
        });
        list.iter()
            .filter(|s| s.user_id != user_id)
            .map(|s| (s.name.clone(), s.replying))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn others_are_listed_not_oneself() {
        let p = Presence::default();
        assert!(p.heartbeat(1, "a", "Ana", false).is_empty());
        assert_eq!(
            p.heartbeat(1, "b", "Ben", true),
            vec![("Ana".to_string(), false)]
        );
        assert_eq!(
            p.heartbeat(1, "a", "Ana", false),
            vec![("Ben".to_string(), true)]
        );
        assert!(p.heartbeat(2, "a", "Ana", false).is_empty());
    }
}
