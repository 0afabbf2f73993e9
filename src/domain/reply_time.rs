//! Honest expected reply times from business hours and the current queue.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveTime, Timelike, Utc, Weekday};

/// Opening hours, in UTC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BusinessHours {
    /// Open days, Monday first.
    pub days: [bool; 7],
    pub open: NaiveTime,
    pub close: NaiveTime,
}

impl Default for BusinessHours {
    fn default() -> Self {
        BusinessHours::parse("Mon-Fri 09:00-17:00").expect("default business hours parse")
    }
}

impl BusinessHours {
    /// Parses `"Mon-Fri 09:00-17:00"`, `"Mon,Wed,Fri 08:00-12:00"` or `"24/7"`.
    pub fn parse(s: &str) -> Result<BusinessHours, String> {
        let s = s.trim();
        if s == "24/7" {
            return Ok(BusinessHours {
                days: [true; 7],
                open: NaiveTime::MIN,
                close: NaiveTime::from_hms_opt(23, 59, 59).expect("valid time"),
            });
        }
        let (days_part, hours_part) = s
            .split_once(' ')
            .ok_or_else(|| format!("{s:?}: expected e.g. \"Mon-Fri 09:00-17:00\""))?;
        let day_index = |d: &str| -> Result<usize, String> {
            ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                .iter()
                .position(|n| n.eq_ignore_ascii_case(d.trim()))
                .ok_or_else(|| format!("{d:?} is not a day (Mon … Sun)"))
        };
        let mut days = [false; 7];
        for part in days_part.split(',') {
            match part.split_once('-') {
                Some((a, b)) => {
                    let (a, b) = (day_index(a)?, day_index(b)?);
                    let mut i = a;
                    loop {
                        days[i] = true;
                        if i == b {
                            break;
                        }
                        i = (i + 1) % 7;
                    }
                }
                None => days[day_index(part)?] = true,
            }
        }
        let (open, close) = hours_part
            .trim()
            .split_once('-')
            .ok_or_else(|| format!("{hours_part:?}: expected HH:MM-HH:MM"))?;
        let time = |t: &str| {
            NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| format!("{t:?} is not HH:MM"))
        };
        let (open, close) = (time(open)?, time(close)?);
        if close <= open {
            return Err("closing time must be after opening time".into());
        }
        Ok(BusinessHours { days, open, close })
    }

    fn is_open_day(&self, day: Weekday) -> bool {
        self.days[day.num_days_from_monday() as usize]
    }

    /// The moment `work` minutes of staffed time have passed after `from`.
    pub fn add_working_minutes(&self, from: DateTime<Utc>, work: i64) -> DateTime<Utc> {
        if !self.days.iter().any(|d| *d) {
            return from + Duration::minutes(work);
        }
        let mut at = from;
        let mut left = work;
        // Bounded: at most a few weeks of calendar walking for any realistic queue.
        for _ in 0..(366 * 2) {
            let date = at.date_naive();
            let open = date.and_time(self.open).and_utc();
            let close = date.and_time(self.close).and_utc();
            if self.is_open_day(at.weekday()) && at < close {
                let start = at.max(open);
                let available = (close - start).num_minutes();
                if left <= available {
                    return start + Duration::minutes(left);
                }
                left -= available;
            }
            at = (date + Duration::days(1))
                .and_time(NaiveTime::MIN)
                .and_utc();
        }
        at
    }
}

/// Inputs to the estimate; the numbers come from the live queue.
#[derive(Clone, Debug)]
pub struct Workload {
    pub waiting_tickets: i64,
    pub agents: i64,
    pub minutes_per_ticket: i64,
}

/// When a person will most likely reply, rounded up to the next quarter hour so the
/// promise is one we keep.
pub fn expected_reply(now: DateTime<Utc>, hours: &BusinessHours, load: &Workload) -> DateTime<Utc> {
    let agents = load.agents.max(1);
    let work = ((load.waiting_tickets + 1) * load.minutes_per_ticket.max(1) + agents - 1) / agents;
    let at = hours.add_working_minutes(now, work.max(15));
    let rounded = (at.minute() as i64 + 14) / 15 * 15;
    let base = at
        .with_minute(0)
        .and_then(|t| t.with_second(0))
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(at);
    base + Duration::minutes(rounded)
}

/// The customer's offset from UTC as the `Date:` header of their mail reveals it; `None`
/// when the header is missing, unreadable, or says `-0000` ("zone unknown", RFC 5322).
pub fn customer_offset(date_header: &str) -> Option<FixedOffset> {
    let value = date_header.trim();
    // Obsolete forms may end in a comment: "... +0100 (CET)".
    let value = value.split(" (").next().unwrap_or(value).trim();
    if value.ends_with("-0000") {
        return None;
    }
    DateTime::parse_from_rfc2822(value)
        .ok()
        .map(|d| *d.offset())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn parses_hours() {
        let h = BusinessHours::parse("Mon-Fri 09:00-17:00").unwrap();
        assert_eq!(h.days, [true, true, true, true, true, false, false]);
        assert!(BusinessHours::parse("Mon-Fri 17:00-09:00").is_err());
        assert!(BusinessHours::parse("Someday 09:00-17:00").is_err());
        assert_eq!(
            BusinessHours::parse("Sat-Sun 10:00-12:00").unwrap().days,
            [false, false, false, false, false, true, true]
        );
    }

    #[test]
    fn friday_evening_waits_for_monday() {
        let h = BusinessHours::default();
        // 2026-11-27 is a Friday.
        let eta = expected_reply(
            at(2026, 11, 27, 18, 0),
            &h,
            &Workload {
                waiting_tickets: 0,
                agents: 1,
                minutes_per_ticket: 20,
            },
        );
        assert_eq!(eta, at(2026, 11, 30, 9, 30));
    }

    #[test]
    fn a_long_queue_pushes_the_promise_out() {
        let h = BusinessHours::default();
        let load = Workload {
            waiting_tickets: 47,
            agents: 2,
            minutes_per_ticket: 10,
        };
        // 48 tickets × 10 min / 2 agents = 240 working minutes from Tuesday 10:00.
        assert_eq!(
            expected_reply(at(2026, 11, 24, 10, 0), &h, &load),
            at(2026, 11, 24, 14, 0)
        );
        let load = Workload {
            waiting_tickets: 95,
            ..load
        };
        // 480 minutes: the rest of Tuesday (420) and an hour on Wednesday.
        assert_eq!(
            expected_reply(at(2026, 11, 24, 10, 0), &h, &load),
            at(2026, 11, 25, 10, 0)
        );
    }

    #[test]
    fn the_date_header_reveals_the_customers_zone() {
        assert_eq!(
            customer_offset("Tue, 24 Nov 2026 19:00:00 +0900"),
            FixedOffset::east_opt(9 * 3600)
        );
        assert_eq!(
            customer_offset("Tue, 24 Nov 2026 05:00:00 -0500 (EST)"),
            FixedOffset::west_opt(5 * 3600)
        );
        assert_eq!(customer_offset("Tue, 24 Nov 2026 10:00:00 -0000"), None);
        assert_eq!(customer_offset("yesterday"), None);
    }
}
