//! Date/time library (spec §21): `time.*`.
//!
//! Timestamps are seconds since 1970-01-01T00:00:00Z as doubles; zones are IANA names.
//! Zone rules come from the IANA database bundled with `jiff` (not the system's copy, so
//! results do not depend on the host), which extends the current daylight-saving rules
//! indefinitely into the future as the database's own POSIX rules do.
//!
//! `jiff` is used only for what needs the database: the UTC offset at an instant and the
//! offset for a local date-time. The calendar fields are computed here from the local
//! second count, because the spec's range (years 1 to 9999 in UTC) can reach year 0 or
//! 10000 in local time, just outside what `jiff`'s civil types represent.

#[cfg(test)]
mod tests;

use std::sync::OnceLock;

use jiff::civil::DateTime;
use jiff::tz::{AmbiguousOffset, TimeZone, TimeZoneDatabase};
use jiff::Timestamp;

use super::args::{self, fail, ErrCode, Ret};
use super::{Host, NativeFn, Registry};
use crate::error::PfaError;
use crate::value::Value;

/// Earliest timestamp the spec accepts: 0001-01-01T00:00:00Z.
const MIN_TS: f64 = -62_135_596_800.0;
/// Latest timestamp the spec accepts: 9999-12-31T23:59:59Z.
const MAX_TS: f64 = 253_402_300_799.0;

const BAD_ZONE: &str = "unrecognized timezone string";
const BAD_TS: &str = "timestamp out of range";
const BAD_RANGE: &str = "bad time range";
const BAD_FIELDS: &str = "timestamp undefined for given parameters";

/// Registers `time.*`.
pub fn register(r: &mut Registry) {
    fields::register(r);
    make::register(r);
    ranges::register(r);
}

// ---------------------------------------------------------------------------------------
// Shared machinery.

/// The bundled database, chosen explicitly so that neither the environment (`TZDIR`) nor
/// another crate's feature choice can swap in different rules.
fn database() -> &'static TimeZoneDatabase {
    static DB: OnceLock<TimeZoneDatabase> = OnceLock::new();
    DB.get_or_init(TimeZoneDatabase::bundled)
}

/// Looks up a zone by name; the empty string means UTC. `jiff` maps `Etc/Unknown` (a CLDR
/// name, not an Olson one) to a placeholder zone, which is rejected like any unknown name.
fn zone(name: &str) -> Option<TimeZone> {
    if name.is_empty() {
        return Some(TimeZone::UTC);
    }
    database().get(name).ok().filter(|tz| !tz.is_unknown())
}

/// Argument `i` as a string.
fn string(a: &[Value], i: usize) -> Result<&str, PfaError> {
    match a.get(i) {
        Some(Value::String(s)) => Ok(s),
        _ => Err(PfaError::runtime(
            0,
            format!("internal error: argument {i} is not a string"),
        )),
    }
}

/// Calendar fields of a local time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Fields {
    year: i64,
    /// 1 to 12.
    month: i64,
    /// 1 to 31.
    day: i64,
    /// 1 to 366.
    day_of_year: i64,
    /// 0 (Monday) to 6 (Sunday).
    day_of_week: i64,
    hour: i64,
    minute: i64,
    second: i64,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (month 1-12).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    // Count years from March so that the leap day ends the year; eras are the 400-year
    // cycles of the Gregorian calendar (146097 days each).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Proleptic Gregorian (year, month, day) of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Calendar fields of a count of local seconds since 1970-01-01T00:00:00 (local).
fn fields_of(local: i64) -> Fields {
    let days = local.div_euclid(86_400);
    let secs = local.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    Fields {
        year,
        month,
        day,
        day_of_year: days - days_from_civil(year, 1, 1) + 1,
        // 1970-01-01 was a Thursday (3 when Monday is 0).
        day_of_week: (days + 3).rem_euclid(7),
        hour: secs / 3600,
        minute: secs % 3600 / 60,
        second: secs % 60,
    }
}

/// The local calendar fields of `ts` in the zone named `name`. The timestamp is checked
/// first, then the zone (the reference implementation's order). A fractional timestamp
/// falls within the second that starts at its floor, also before 1970.
fn local_fields(
    ts: f64,
    name: &str,
    zone_err: ErrCode,
    ts_err: ErrCode,
) -> Result<Fields, PfaError> {
    // Written so that NaN fails the check too.
    if !(MIN_TS..=MAX_TS).contains(&ts) {
        return Err(fail(ts_err));
    }
    let tz = zone(name).ok_or_else(|| fail(zone_err))?;
    // In range, so the floor is an exact integer well within i64.
    let secs = ts.floor() as i64;
    // `jiff` timestamps stop about a day short of the spec's maximum (so that any offset
    // still gives a civil date it can represent); the offset at its last instant is the
    // offset for the rest of 9999, since no zone's rules change it on Dec 31.
    let at =
        Timestamp::from_second(secs.clamp(Timestamp::MIN.as_second(), Timestamp::MAX.as_second()))
            .map_err(|e| PfaError::runtime(0, format!("internal error: {e}")))?;
    let offset = i64::from(tz.to_offset(at).seconds());
    Ok(fields_of(secs + offset))
}

// ---------------------------------------------------------------------------------------
// §21.1 Extracting conventional time units from a timestamp.

/// `time.year` through `time.secondOfMinute` (§21.1.1-21.1.8).
mod fields {
    use super::*;

    /// Declares `(ts: double, zone: string) -> int` natives: name, error codes, field.
    macro_rules! field_fns {
        ($($f:ident = $name:literal, $base:literal, |$x:ident| $body:expr;)*) => {
            $(
                #[doc = concat!("`", $name, "`.")]
                pub(super) fn $f(_: &mut dyn Host, a: &[Value]) -> Ret {
                    const ERRORS: [ErrCode; 2] = [($base, BAD_ZONE), ($base + 1, BAD_TS)];
                    let $x = local_fields(args::double(a, 0)?, string(a, 1)?, ERRORS[0], ERRORS[1])?;
                    // Every field is small (|year| <= 10000), so the cast is exact.
                    Ok(Value::Int($body as i32))
                }
            )*

            pub(super) fn register(r: &mut Registry) {
                $(
                    {
                        const ERRORS: [ErrCode; 2] = [($base, BAD_ZONE), ($base + 1, BAD_TS)];
                        r.def($name)
                            .sig("(ts: double, zone: string) -> int")
                            .errors(&ERRORS)
                            .native($f as NativeFn);
                    }
                )*
            }
        };
    }

    field_fns! {
        year = "time.year", 40000, |t| t.year;
        month_of_year = "time.monthOfYear", 40010, |t| t.month;
        day_of_year = "time.dayOfYear", 40020, |t| t.day_of_year;
        day_of_month = "time.dayOfMonth", 40030, |t| t.day;
        day_of_week = "time.dayOfWeek", 40040, |t| t.day_of_week;
        hour_of_day = "time.hourOfDay", 40050, |t| t.hour;
        minute_of_hour = "time.minuteOfHour", 40060, |t| t.minute;
        second_of_minute = "time.secondOfMinute", 40070, |t| t.second;
    }
}

// ---------------------------------------------------------------------------------------
// §21.2 Constructing a timestamp from conventional units.

/// `time.makeTimestamp` (§21.2.1).
mod make {
    use super::*;

    const ERRORS: [ErrCode; 2] = [(40080, BAD_ZONE), (40081, BAD_FIELDS)];

    pub(super) fn register(r: &mut Registry) {
        r.def("time.makeTimestamp")
            .sig(
                "(year: int, month: int, day: int, hour: int, minute: int, second: int, \
                 millisecond: int, zone: string) -> double",
            )
            .errors(&ERRORS)
            .native(make_timestamp);
    }

    fn days_in_month(year: i32, month: i32) -> i32 {
        match month {
            2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

    /// The zone is checked before the fields (the reference implementation's order). A
    /// local time that occurs twice (clocks set back) is the earlier instant; one that
    /// does not occur (clocks set forward) is read with the offset in force before the
    /// change, so it lands after the gap, as RFC 5545 and Temporal's "compatible" do.
    pub(crate) fn make_timestamp(_: &mut dyn Host, a: &[Value]) -> Ret {
        let mut f = [0i32; 7];
        for (i, slot) in f.iter_mut().enumerate() {
            *slot = args::int(a, i)?;
        }
        let [year, month, day, hour, minute, second, milli] = f;
        let tz = zone(string(a, 7)?).ok_or_else(|| fail(ERRORS[0]))?;
        let valid = (1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && (1..=days_in_month(year, month)).contains(&day)
            && (0..=23).contains(&hour)
            && (0..=59).contains(&minute)
            && (0..=59).contains(&second)
            && (0..=999).contains(&milli);
        if !valid {
            return Err(fail(ERRORS[1]));
        }
        // All fields were range-checked above, so every narrowing is lossless.
        let civil = DateTime::new(
            year as i16,
            month as i8,
            day as i8,
            hour as i8,
            minute as i8,
            second as i8,
            0,
        )
        .map_err(|_| fail(ERRORS[1]))?;
        let offset = match tz.to_ambiguous_timestamp(civil).offset() {
            AmbiguousOffset::Unambiguous { offset } => offset,
            AmbiguousOffset::Gap { before, .. } | AmbiguousOffset::Fold { before, .. } => before,
        };
        let local = days_from_civil(year.into(), month.into(), day.into()) * 86_400
            + i64::from(hour) * 3600
            + i64::from(minute) * 60
            + i64::from(second);
        let millis = (local - i64::from(offset.seconds())) * 1000 + i64::from(milli);
        // |millis| < 2^53, so the conversion is exact and the division correctly rounded.
        Ok(Value::Double(millis as f64 / 1000.0))
    }
}

// ---------------------------------------------------------------------------------------
// §21.3 Querying time intervals.

/// `time.isSecondOfMinute` through `time.isWorkHours` (§21.3.1-21.3.9).
mod ranges {
    use super::*;

    /// Declares `(ts: double, zone: string, low: double, high: double) -> boolean`
    /// natives: name, first error code, field. `low >= high` is an error; a range that
    /// no field value reaches is just false (§21.3).
    macro_rules! range_fns {
        ($($f:ident = $name:literal, $base:literal, |$x:ident| $body:expr;)*) => {
            $(
                #[doc = concat!("`", $name, "`.")]
                pub(super) fn $f(_: &mut dyn Host, a: &[Value]) -> Ret {
                    const ERRORS: [ErrCode; 3] =
                        [($base, BAD_RANGE), ($base + 1, BAD_ZONE), ($base + 2, BAD_TS)];
                    let low = args::double(a, 2)?;
                    let high = args::double(a, 3)?;
                    if low >= high {
                        return Err(fail(ERRORS[0]));
                    }
                    let $x = local_fields(args::double(a, 0)?, string(a, 1)?, ERRORS[1], ERRORS[2])?;
                    let v = $body as f64;
                    Ok(Value::Boolean(low <= v && v < high))
                }
            )*

            fn register_ranges(r: &mut Registry) {
                $(
                    {
                        const ERRORS: [ErrCode; 3] =
                            [($base, BAD_RANGE), ($base + 1, BAD_ZONE), ($base + 2, BAD_TS)];
                        r.def($name)
                            .sig("(ts: double, zone: string, low: double, high: double) -> boolean")
                            .errors(&ERRORS)
                            .native($f as NativeFn);
                    }
                )*
            }
        };
    }

    range_fns! {
        is_second_of_minute = "time.isSecondOfMinute", 40090, |t| t.second;
        is_minute_of_hour = "time.isMinuteOfHour", 40100, |t| t.minute;
        is_hour_of_day = "time.isHourOfDay", 40110, |t| t.hour;
        is_day_of_week = "time.isDayOfWeek", 40120, |t| t.day_of_week;
        is_day_of_month = "time.isDayOfMonth", 40130, |t| t.day;
        is_month_of_year = "time.isMonthOfYear", 40140, |t| t.month;
        is_day_of_year = "time.isDayOfYear", 40150, |t| t.day_of_year;
    }

    const WEEKEND_ERRORS: [ErrCode; 2] = [(40160, BAD_ZONE), (40161, BAD_TS)];
    const WORK_ERRORS: [ErrCode; 2] = [(40170, BAD_ZONE), (40171, BAD_TS)];

    pub(super) fn register(r: &mut Registry) {
        register_ranges(r);
        r.def("time.isWeekend")
            .sig("(ts: double, zone: string) -> boolean")
            .errors(&WEEKEND_ERRORS)
            .native(is_weekend);
        r.def("time.isWorkHours")
            .sig("(ts: double, zone: string) -> boolean")
            .errors(&WORK_ERRORS)
            .native(is_work_hours);
    }

    /// `time.isWeekend`: Saturday or Sunday.
    pub(super) fn is_weekend(_: &mut dyn Host, a: &[Value]) -> Ret {
        let [z, t] = WEEKEND_ERRORS;
        let f = local_fields(args::double(a, 0)?, string(a, 1)?, z, t)?;
        Ok(Value::Boolean(f.day_of_week >= 5))
    }

    /// `time.isWorkHours`: Monday to Friday, from 9:00 (inclusive) to 17:00 (exclusive).
    pub(super) fn is_work_hours(_: &mut dyn Host, a: &[Value]) -> Ret {
        let [z, t] = WORK_ERRORS;
        let f = local_fields(args::double(a, 0)?, string(a, 1)?, z, t)?;
        Ok(Value::Boolean(
            f.day_of_week < 5 && (9..17).contains(&f.hour),
        ))
    }
}
