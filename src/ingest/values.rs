//! Parsing one cell by its HMIS type, accepting the deviations real exports contain and
//! saying which deviation was met so the caller can count it as a warning.

/// Days from CE (0001-01-01 is day 1, as `NaiveDate::num_days_from_ce`) of 1970-01-01.
const UNIX_EPOCH_DAY: i64 = 719_163;

/// A value that cannot be read as its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unreadable;

/// A way a value departed from the specification but could still be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Deviation {
    /// `MM/DD/YYYY` (or `M/D/YYYY`).
    UsSlashDate,
    /// `MM-DD-YYYY`.
    UsDashDate,
    /// `YYYY/MM/DD`.
    IsoSlashDate,
    /// A datetime without seconds, `YYYY-MM-DD HH:MM`.
    NoSeconds,
    /// A datetime given as a date only.
    DateOnly,
    /// A date column holding a datetime (time ignored).
    TimeInDate,
    /// `YYYY-MM-DDTHH:MM:SS` (ISO 8601 `T`), or fractional seconds.
    IsoT,
    /// Money with `$` or thousands separators.
    MoneyFormatting,
    /// A whole number written with a decimal part of zero (`1.0`).
    DecimalInteger,
}

impl Deviation {
    pub fn describe(self) -> &'static str {
        match self {
            Deviation::UsSlashDate => "date written as MM/DD/YYYY",
            Deviation::UsDashDate => "date written as MM-DD-YYYY",
            Deviation::IsoSlashDate => "date written as YYYY/MM/DD",
            Deviation::NoSeconds => "datetime without seconds",
            Deviation::DateOnly => "datetime given as a date only (midnight assumed)",
            Deviation::TimeInDate => "date given with a time (time ignored)",
            Deviation::IsoT => "datetime in ISO 8601 'T' form or with fractional seconds",
            Deviation::MoneyFormatting => "money written with '$' or thousands separators",
            Deviation::DecimalInteger => "whole number written with '.0'",
        }
    }
}

fn two(b: &[u8]) -> Option<u32> {
    if b.len() == 2 && b[0].is_ascii_digit() && b[1].is_ascii_digit() {
        Some(((b[0] - b'0') * 10 + (b[1] - b'0')) as u32)
    } else {
        None
    }
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 4 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0u32, |a, d| a * 10 + (d - b'0') as u32))
}

/// Parses a date. `Ok((days, None))` for the standard form.
pub fn parse_date(s: &str) -> Result<(i32, Option<Deviation>), Unreadable> {
    let b = s.as_bytes();
    // Fast path: YYYY-MM-DD.
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let y = digits(&b[0..4]).filter(|_| b[0..4].iter().all(u8::is_ascii_digit));
        if let (Some(y), Some(m), Some(d)) = (y, two(&b[5..7]), two(&b[8..10])) {
            return ymd(y as i32, m, d).map(|x| (x, None));
        }
        return Err(Unreadable);
    }
    // A datetime in a date column.
    if b.len() > 10 && (b[10] == b' ' || b[10] == b'T') {
        if let Ok((d, _)) = parse_date(&s[..10])
            && parse_time(&s[11..]).is_some()
        {
            return Ok((d, Some(Deviation::TimeInDate)));
        }
        // US date with a time.
        if let Some((date, time)) = s.split_once(' ')
            && parse_time(time).is_some()
            && let Ok((d, _)) = parse_date(date)
        {
            return Ok((d, Some(Deviation::TimeInDate)));
        }
        return Err(Unreadable);
    }
    let parts: Vec<&str> = if s.contains('/') {
        s.split('/').collect()
    } else {
        s.split('-').collect()
    };
    if parts.len() != 3 {
        return Err(Unreadable);
    }
    let n: Vec<Option<u32>> = parts.iter().map(|p| digits(p.as_bytes())).collect();
    let (Some(a), Some(b2), Some(c)) = (n[0], n[1], n[2]) else {
        return Err(Unreadable);
    };
    if parts[0].len() == 4 && s.contains('/') {
        return ymd(a as i32, b2, c).map(|x| (x, Some(Deviation::IsoSlashDate)));
    }
    if parts[2].len() == 4 && parts[0].len() <= 2 && parts[1].len() <= 2 {
        let dev = if s.contains('/') {
            Deviation::UsSlashDate
        } else {
            Deviation::UsDashDate
        };
        return ymd(c as i32, a, b2).map(|x| (x, Some(dev)));
    }
    Err(Unreadable)
}

fn is_leap(y: i32) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

/// The day (from CE, as chrono numbers it) of a date, if the date exists. `y` is 0..=9999
/// here (at most four digits).
fn ymd(y: i32, m: u32, d: u32) -> Result<i32, Unreadable> {
    const DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&m) || d == 0 {
        return Err(Unreadable);
    }
    let last = DAYS[m as usize - 1] + u32::from(m == 2 && is_leap(y));
    if d > last {
        return Err(Unreadable);
    }
    // Count days from 0000-03-01 (years starting in March, so that the leap day ends a
    // year), in 400-year eras of 146,097 days.
    let (y, m, d) = (y as i64, m as i64, d as i64);
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // 0..=399
    let mp = (m + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + d - 1; // 0..=365
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // 0..=146096
    // Day 0 is 0000-03-01, which is day -305 from CE.
    Ok((era * 146_097 + doe - 305) as i32)
}

/// Seconds from midnight, if the time exists.
fn hms(h: u32, m: u32, s: u32) -> Option<u32> {
    (h < 24 && m < 60 && s < 60).then_some(h * 3600 + m * 60 + s)
}

/// `HH:MM:SS`, `HH:MM` or with fractional seconds; returns the seconds from midnight and
/// whether seconds were present in the plain form, and whether there was a fraction.
fn parse_time(s: &str) -> Option<(u32, bool, bool)> {
    let b = s.as_bytes();
    if b.len() == 8 && b[2] == b':' && b[5] == b':' {
        let t = hms(two(&b[0..2])?, two(&b[3..5])?, two(&b[6..8])?)?;
        return Some((t, true, false));
    }
    if b.len() == 5 && b[2] == b':' {
        let t = hms(two(&b[0..2])?, two(&b[3..5])?, 0)?;
        return Some((t, false, false));
    }
    if b.len() > 8 && b[2] == b':' && b[5] == b':' && b[8] == b'.' {
        let t = hms(two(&b[0..2])?, two(&b[3..5])?, two(&b[6..8])?)?;
        if b[9..].iter().all(u8::is_ascii_digit) {
            return Some((t, true, true));
        }
    }
    // H:MM:SS (one-digit hour, common in US exports).
    if b.len() == 7 && b[1] == b':' && b[4] == b':' {
        let h = (b[0] as char).to_digit(10)?;
        let t = hms(h, two(&b[2..4])?, two(&b[5..7])?)?;
        return Some((t, true, false));
    }
    None
}

/// Parses a datetime. `Ok((seconds, None))` for the standard form.
pub fn parse_datetime(s: &str) -> Result<(i64, Option<Deviation>), Unreadable> {
    let b = s.as_bytes();
    let (date_part, time_part, sep) = if b.len() >= 11 && (b[10] == b' ' || b[10] == b'T') {
        (&s[..10], &s[11..], b[10])
    } else if let Some((d, t)) = s.split_once(' ') {
        (d, t, b' ')
    } else {
        (s, "", b' ')
    };
    let (days, date_dev) = parse_date(date_part)?;
    if date_dev == Some(Deviation::TimeInDate) {
        return Err(Unreadable);
    }
    // Seconds from 1970-01-01 of the day's midnight (the date is valid: it was parsed).
    let midnight = (days as i64 - UNIX_EPOCH_DAY) * 86_400;
    if time_part.is_empty() {
        return Ok((midnight, Some(date_dev.unwrap_or(Deviation::DateOnly))));
    }
    let time_part = time_part.trim_end_matches('Z');
    let (time, secs, frac) = parse_time(time_part).ok_or(Unreadable)?;
    let t = midnight + time as i64;
    let dev = date_dev.or(if sep == b'T' || frac {
        Some(Deviation::IsoT)
    } else if !secs {
        Some(Deviation::NoSeconds)
    } else {
        None
    });
    Ok((t, dev))
}

/// [`parse_date`] and [`parse_datetime`] for one column, remembering the last date read in
/// the standard form: a column's dates repeat from row to row (InformationDate of one
/// enrollment's records, the day part of DateCreated).
#[derive(Debug, Default, Clone)]
pub struct DayCache {
    text: [u8; 10],
    day: i32,
    full: bool,
}

impl DayCache {
    pub fn date(&mut self, s: &str) -> Result<(i32, Option<Deviation>), Unreadable> {
        let b = s.as_bytes();
        if self.full && b == self.text {
            return Ok((self.day, None));
        }
        let r = parse_date(s);
        if let Ok((day, None)) = r
            && b.len() == 10
        {
            self.text.copy_from_slice(b);
            self.day = day;
            self.full = true;
        }
        r
    }

    pub fn datetime(&mut self, s: &str) -> Result<(i64, Option<Deviation>), Unreadable> {
        let b = s.as_bytes();
        // The standard form, YYYY-MM-DD HH:MM:SS.
        if b.len() == 19
            && b[10] == b' '
            && let Some(date) = s.get(..10)
            && let Ok((day, None)) = self.date(date)
            && let Some((t, true, false)) = s.get(11..).and_then(parse_time)
        {
            return Ok(((day as i64 - UNIX_EPOCH_DAY) * 86_400 + t as i64, None));
        }
        parse_datetime(s)
    }
}

/// Parses a non-negative whole number (type I).
pub fn parse_int(s: &str) -> Result<(i32, Option<Deviation>), Unreadable> {
    // Most values: a few plain digits.
    let b = s.as_bytes();
    if !b.is_empty() && b.len() <= 9 && b.iter().all(u8::is_ascii_digit) {
        let v = b.iter().fold(0i32, |a, d| a * 10 + (d - b'0') as i32);
        return Ok((v, None));
    }
    if let Ok(v) = s.parse::<i32>() {
        return if v >= 0 {
            Ok((v, None))
        } else {
            Err(Unreadable)
        };
    }
    if let Some(int) = s.strip_suffix(".0").or_else(|| s.strip_suffix(".00"))
        && let Ok(v) = int.parse::<i32>()
        && v >= 0
    {
        return Ok((v, Some(Deviation::DecimalInteger)));
    }
    Err(Unreadable)
}

/// Parses money (type M).
pub fn parse_money(s: &str) -> Result<(f64, Option<Deviation>), Unreadable> {
    if let Ok(v) = s.parse::<f64>() {
        if v.is_finite() && !s.contains(['e', 'E', 'n', 'N', 'i', 'I']) {
            return Ok((v, None));
        }
        return Err(Unreadable);
    }
    let cleaned: String = s.chars().filter(|c| *c != '$' && *c != ',').collect();
    if cleaned.len() != s.len()
        && let Ok(v) = cleaned.parse::<f64>()
        && v.is_finite()
        && !cleaned.contains(['e', 'E', 'n', 'N', 'i', 'I'])
    {
        return Ok((v, Some(Deviation::MoneyFormatting)));
    }
    Err(Unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::table::{date_from_days, datetime_from_secs};
    use chrono::NaiveDateTime;

    fn d(s: &str) -> String {
        date_from_days(parse_date(s).unwrap().0)
            .unwrap()
            .to_string()
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2025-02-28").unwrap().1, None);
        assert_eq!(d("2025-02-28"), "2025-02-28");
        assert_eq!(d("02/03/2025"), "2025-02-03");
        assert_eq!(d("2/3/2025"), "2025-02-03");
        assert_eq!(
            parse_date("2/3/2025").unwrap().1,
            Some(Deviation::UsSlashDate)
        );
        assert_eq!(d("02-07-2023"), "2023-02-07");
        assert_eq!(d("2025/02/03"), "2025-02-03");
        assert_eq!(
            parse_date("2025-02-03 10:00:00").unwrap().1,
            Some(Deviation::TimeInDate)
        );
        assert!(parse_date("2025-02-30").is_err());
        assert!(parse_date("2025-2-3x").is_err());
        assert!(parse_date("yesterday").is_err());
        assert!(parse_date("").is_err());
        assert!(parse_date("13/01/2025").is_err());
        assert!(parse_date("\u{0}\u{1}").is_err());
    }

    #[test]
    fn datetimes() {
        let t = |s: &str| {
            let (v, dev) = parse_datetime(s).unwrap();
            (datetime_from_secs(v).unwrap().to_string(), dev)
        };
        assert_eq!(
            t("2025-01-02 03:04:05"),
            ("2025-01-02 03:04:05".into(), None)
        );
        assert_eq!(
            t("2025-01-02 03:04"),
            ("2025-01-02 03:04:00".into(), Some(Deviation::NoSeconds))
        );
        assert_eq!(
            t("2025-01-02"),
            ("2025-01-02 00:00:00".into(), Some(Deviation::DateOnly))
        );
        assert_eq!(
            t("02-07-2023 12:00:00"),
            ("2023-02-07 12:00:00".into(), Some(Deviation::UsDashDate))
        );
        assert_eq!(
            t("2025-01-02T03:04:05.123Z"),
            ("2025-01-02 03:04:05".into(), Some(Deviation::IsoT))
        );
        assert_eq!(
            t("1/2/2025 3:04:05"),
            ("2025-01-02 03:04:05".into(), Some(Deviation::UsSlashDate))
        );
        assert!(parse_datetime("2025-01-02 25:00:00").is_err());
        assert!(parse_datetime("noon").is_err());
        // Seconds computed from the day number agree with chrono's, over the whole range.
        for y in [1, 999, 1899, 1900, 1969, 1970, 2000, 2025, 2106, 2107, 9999] {
            for (m, d) in [(1, 1), (2, 28), (12, 31)] {
                for time in ["00:00:00", "23:59:59", "12:34:56"] {
                    let s = format!("{y:04}-{m:02}-{d:02} {time}");
                    let want = crate::ingest::table::secs_from_datetime(
                        NaiveDateTime::parse_from_str(&s, "%Y-%m-%d %H:%M:%S").unwrap(),
                    );
                    assert_eq!(parse_datetime(&s).unwrap().0, want, "{s}");
                }
            }
        }
    }

    #[test]
    fn day_numbers_agree_with_chrono() {
        use crate::ingest::table::days_from_date;
        // Every day of years 0 to 9999 (the years four digits can write).
        let mut day = chrono::NaiveDate::from_ymd_opt(0, 1, 1).unwrap();
        let end = chrono::NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
        while day <= end {
            use chrono::Datelike;
            let got = ymd(day.year(), day.month(), day.day());
            assert_eq!(got, Ok(days_from_date(day)), "{day}");
            day = day.succ_opt().unwrap();
        }
        for (y, m, d) in [
            (2025, 2, 29),
            (1900, 2, 29),
            (2024, 4, 31),
            (2024, 13, 1),
            (2024, 0, 1),
        ] {
            assert_eq!(ymd(y, m, d), Err(Unreadable), "{y}-{m}-{d}");
        }
        assert!(ymd(2000, 2, 29).is_ok());
    }

    #[test]
    fn the_day_cache_reads_as_the_parsers_do() {
        let mut c = DayCache::default();
        for s in [
            "2025-01-02",
            "2025-01-02",
            "01/02/2025",
            "2025-01-02",
            "2025-01-0x",
            "2025-02-30",
            "2024-02-29",
            "2024-02-29 10:00:00",
            "",
        ] {
            assert_eq!(c.date(s), parse_date(s), "{s}");
        }
        for s in [
            "2025-01-02 03:04:05",
            "2025-01-02 23:59:59",
            "2025-01-02 24:00:00",
            "2025-01-02 10:00:0Z",
            "2025-01-02T03:04:05",
            "2025-01-02 03:04",
            "2025-01-03 00:00:01",
            "2025-01-0x 00:00:01",
            "2025-01-03",
        ] {
            assert_eq!(c.datetime(s), parse_datetime(s), "{s}");
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_int("99"), Ok((99, None)));
        assert_eq!(parse_int("1.0"), Ok((1, Some(Deviation::DecimalInteger))));
        assert!(parse_int("-1").is_err());
        assert!(parse_int("1e3").is_err());
        assert!(parse_int("99999999999").is_err());
        assert_eq!(parse_money("12.50"), Ok((12.5, None)));
        assert_eq!(
            parse_money("$1,200.00"),
            Ok((1200.0, Some(Deviation::MoneyFormatting)))
        );
        assert!(parse_money("NaN").is_err());
        assert!(parse_money("inf").is_err());
        assert!(parse_money("ten").is_err());
    }
}
