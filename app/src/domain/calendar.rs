//! Month grids for the release calendar.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// A month, parsed from `YYYY-MM`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("\"{}\" is not a month like 2026-12.", text.trim());
        let (year, month) = text.trim().split_once('-').ok_or_else(bad)?;
        let year: i32 = year.parse().map_err(|_| bad())?;
        let month: u32 = month.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) || !(1970..=9999).contains(&year) {
            return Err(bad());
        }
        Ok(Self { year, month })
    }

    pub fn of(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            month: date.month(),
        }
    }

    /// The month a week (given by its Monday) belongs to: the one holding
    /// its Thursday, as ISO 8601 does for years. The week of Monday 30
    /// November 2026 is December's.
    pub fn of_week(monday: NaiveDate) -> Self {
        Self::of(monday + Duration::days(3))
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or_default()
    }

    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn previous(self) -> Self {
        if self.month == 1 {
            Self {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Self {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// `2026-12`.
    pub fn key(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    /// `December 2026`.
    pub fn title(self) -> String {
        self.first_day().format("%B %Y").to_string()
    }

    /// Whole weeks (Monday first) covering the month.
    pub fn weeks(self) -> Vec<[NaiveDate; 7]> {
        let first = self.first_day();
        let mut day = first - Duration::days(first.weekday().num_days_from_monday() as i64);
        let next_first = self.next().first_day();
        let mut weeks = Vec::new();
        while day < next_first {
            let mut week = [day; 7];
            for (i, slot) in week.iter_mut().enumerate() {
                *slot = day + Duration::days(i as i64);
            }
            weeks.push(week);
            day += Duration::days(7);
        }
        weeks
    }

    /// The first and last day shown (whole weeks).
    pub fn range(self) -> (NaiveDate, NaiveDate) {
        let weeks = self.weeks();
        (weeks[0][0], weeks[weeks.len() - 1][6])
    }
}

/// The Monday of the week holding `day` (`YYYY-MM-DD`).
pub fn week_of(day: &str) -> Result<NaiveDate, String> {
    let date = NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d")
        .map_err(|_| format!("\"{}\" is not a day like 2026-12-01.", day.trim()))?;
    Ok(monday_of(date))
}

/// The Monday on or before `date`.
pub fn monday_of(date: NaiveDate) -> NaiveDate {
    date - Duration::days(date.weekday().num_days_from_monday() as i64)
}

pub fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_week_belongs_to_the_month_of_its_thursday() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            Month::of_week(day(2026, 11, 30)),
            Month::of(day(2026, 12, 1))
        );
        assert_eq!(
            Month::of_week(day(2026, 11, 23)),
            Month::of(day(2026, 11, 1))
        );
        assert_eq!(
            Month::of_week(day(2026, 12, 28)),
            Month::of(day(2026, 12, 1))
        );
        assert_eq!(
            Month::of_week(day(2026, 12, 29)),
            Month::of(day(2027, 1, 1))
        );
    }

    #[test]
    fn months_parse_and_step() {
        let dec = Month::parse("2026-12").unwrap();
        assert_eq!(dec.next().key(), "2027-01");
        assert_eq!(Month::parse("2026-01").unwrap().previous().key(), "2025-12");
        assert_eq!(dec.title(), "December 2026");
        assert!(Month::parse("2026-13").is_err());
        assert!(Month::parse("december").is_err());
    }

    #[test]
    fn grids_are_whole_monday_first_weeks() {
        // December 2026 starts on a Tuesday and ends on a Thursday.
        let weeks = Month::parse("2026-12").unwrap().weeks();
        assert_eq!(weeks.len(), 5);
        assert_eq!(weeks[0][0], NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        assert_eq!(weeks[4][6], NaiveDate::from_ymd_opt(2027, 1, 3).unwrap());
        // February 2027 starts on a Monday: exactly four weeks.
        assert_eq!(Month::parse("2027-02").unwrap().weeks().len(), 4);
    }

    #[test]
    fn a_week_starts_on_monday() {
        let monday = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(week_of("2026-12-06").unwrap(), monday);
        assert_eq!(week_of("2026-11-30").unwrap(), monday);
        assert!(week_of("next week").is_err());
    }
}
